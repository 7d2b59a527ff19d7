// Live pods whose containers the injector wrapped for env secrets but whose agent cannot start: the
// config annotation or one of the two volumes is gone. The usual cause is an image volume dropped
// without error by an API server whose ImageVolume feature gate is off.
import { VAULT_NAMES } from '../../patches/injector-names.js';
import { finding, objectName, type Finding } from './findings.js';
import { annotationsOf, field, list, nameOf, namespaceOf, text, type Obj } from './k8s-objects.js';
import { topOwner, type OwnerIndex } from './owners.js';

const { paths, volumes, envConfigAnnotationPrefix } = VAULT_NAMES;

/** Indices of the containers whose command is the injected agent. */
function wrappedIndices(pod: Obj): number[] {
  return list(field(pod, 'spec'), 'containers').flatMap((c, i) => {
    const command = (c as { command?: unknown }).command;
    const argv = Array.isArray(command) ? command : [];
    const wrapped =
      typeof argv[0] === 'string' &&
      argv[0].startsWith(`${paths.agentBinary}/`) &&
      argv[1] === 'agent';
    return wrapped ? [i] : [];
  });
}

/** What a wrapped container lacks, in words; [] when its agent has everything. */
function missingParts(pod: Obj, index: number): string[] {
  const names = new Set(list(field(pod, 'spec'), 'volumes').map((v) => text(v, 'name')));
  const missing: string[] = [];
  if (annotationsOf(pod)[`${envConfigAnnotationPrefix}${index}`] === undefined)
    missing.push(`the ${envConfigAnnotationPrefix}${index} annotation`);
  for (const v of [volumes.agentBinary, volumes.envConfig])
    if (!names.has(v)) missing.push(`the ${v} volume`);
  return missing;
}

export function checkEnvWrapped(pod: Obj, owners: OwnerIndex): Finding[] {
  const containers = list(field(pod, 'spec'), 'containers');
  return wrappedIndices(pod).flatMap((i) => {
    const missing = missingParts(pod, i);
    if (missing.length === 0) return [];
    const name = text(containers[i], 'name');
    return [
      finding('env-config-missing', {
        object: objectName('Pod', namespaceOf(pod), nameOf(pod)),
        message: `Container ${name} runs the agent for env secrets, but ${missing.join(' and ')} is missing, so it cannot start.`,
        owner: topOwner(pod, owners),
        hint: `an image volume is dropped when the API server's ImageVolume feature gate is off: use --agent-binary-source=copy, or enable the gate (Kubernetes 1.35+)`,
      }),
    ];
  });
}
