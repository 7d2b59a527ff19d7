// Live pods whose containers the injector wrapped for env secrets but whose agent cannot start: the
// config annotation or one of the two volumes is gone. The usual cause is an image volume dropped
// without error by an API server whose ImageVolume feature gate is off.
import { FLAVOURS } from '../../patches/flavours.js';
import type { InjectorNames } from '../../patches/injector-names.js';
import { finding, objectName, type DoctorFinding } from './findings.js';
import { annotationsOf, field, list, nameOf, namespaceOf, text, type Obj } from './k8s-objects.js';
import { topOwner, type OwnerIndex } from './owners.js';

/** Containers whose command is the injected agent, with the names table of the flavour that wrapped them. */
function wrappedContainers(pod: Obj): Array<{ index: number; names: InjectorNames }> {
  return list(field(pod, 'spec'), 'containers').flatMap((c, index) => {
    const command = (c as { command?: unknown }).command;
    const argv = Array.isArray(command) ? command : [];
    const first = typeof argv[0] === 'string' ? argv[0] : '';
    const names = FLAVOURS.map((f) => f.names).find((n) =>
      first.startsWith(`${n.paths.agentBinary}/`),
    );
    return names !== undefined && argv[1] === 'agent' ? [{ index, names }] : [];
  });
}

/** What a wrapped container lacks, in words; [] when its agent has everything. */
function missingParts(pod: Obj, index: number, names: InjectorNames): string[] {
  const volumeNames = new Set(list(field(pod, 'spec'), 'volumes').map((v) => text(v, 'name')));
  const key = `${names.envConfigAnnotationPrefix}${index}`;
  const missing: string[] = [];
  if (annotationsOf(pod)[key] === undefined) missing.push(`the ${key} annotation`);
  for (const v of [names.volumes.agentBinary, names.volumes.envConfig])
    if (!volumeNames.has(v)) missing.push(`the ${v} volume`);
  return missing;
}

export function checkEnvWrapped(pod: Obj, owners: OwnerIndex): DoctorFinding[] {
  const containers = list(field(pod, 'spec'), 'containers');
  return wrappedContainers(pod).flatMap(({ index: i, names }) => {
    const missing = missingParts(pod, i, names);
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
