// Checks that a pod is valid Kubernetes beyond what the OpenAPI schema says: unique container and
// volume names, every mount names a volume, no two mounts of one container share a path, and the
// schema itself (kubernetes-models). Returns the list of problems (empty when valid).
import { Pod as PodModel } from 'kubernetes-models/v1';
import type { Container, Pod } from '../../patches/k8s-types.js';
import { toError } from '../../patches/to-error.js';

function duplicates(names: string[]): string[] {
  return names.filter((n, i) => names.indexOf(n) !== i);
}

export function podProblems(pod: Pod): string[] {
  const problems: string[] = [];
  const spec = pod.spec;
  if (!spec) return ['no spec'];
  const all: Container[] = [...spec.containers, ...(spec.initContainers ?? [])];
  for (const d of duplicates(all.map((c) => c.name)))
    problems.push(`duplicate container name ${d}`);
  const volumes = (spec.volumes ?? []).map((v) => v.name);
  for (const d of duplicates(volumes)) problems.push(`duplicate volume name ${d}`);
  for (const c of all) {
    const mounts = c.volumeMounts ?? [];
    for (const m of mounts) {
      if (!volumes.includes(m.name))
        problems.push(`container ${c.name} mounts unknown volume ${m.name}`);
    }
    for (const d of duplicates(mounts.map((m) => m.mountPath)))
      problems.push(`container ${c.name} mounts twice at ${d}`);
  }
  try {
    new PodModel(pod as never).validate();
  } catch (err) {
    problems.push(`schema: ${toError(err).message}`);
  }
  return problems;
}
