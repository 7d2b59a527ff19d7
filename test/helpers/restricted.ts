// Pod Security Standards "restricted" rules that an injection can affect, checked on a pod.
import type { Container, Pod } from '../../patches/k8s-types.js';

const ALLOWED_VOLUME_TYPES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
];

function containerProblems(c: Container, podNonRoot: boolean): string[] {
  const sc = c.securityContext ?? {};
  const out: string[] = [];
  if (sc.privileged === true) out.push(`${c.name}: privileged`);
  if (sc.allowPrivilegeEscalation !== false)
    out.push(`${c.name}: allowPrivilegeEscalation not false`);
  if (!(sc.capabilities?.drop ?? []).includes('ALL'))
    out.push(`${c.name}: capabilities do not drop ALL`);
  if ((sc.capabilities?.add ?? []).some((a) => a !== 'NET_BIND_SERVICE'))
    out.push(`${c.name}: adds capabilities`);
  if (!(sc.runAsNonRoot === true || (sc.runAsNonRoot === undefined && podNonRoot)))
    out.push(`${c.name}: runAsNonRoot not true`);
  if (sc.runAsUser === 0) out.push(`${c.name}: runAsUser 0`);
  const seccomp = sc.seccompProfile?.type;
  if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost')
    out.push(`${c.name}: no RuntimeDefault seccomp profile`);
  return out;
}

export function restrictedProblems(pod: Pod): string[] {
  const spec = pod.spec;
  if (!spec) return ['no spec'];
  const podSc = (spec.securityContext ?? {}) as {
    runAsNonRoot?: boolean;
    seccompProfile?: { type: string };
  };
  const out: string[] = [];
  for (const field of ['hostNetwork', 'hostPID', 'hostIPC'])
    if (spec[field] === true) out.push(field);
  for (const v of spec.volumes ?? []) {
    const type = Object.keys(v).find((k) => k !== 'name');
    if (type === undefined || !ALLOWED_VOLUME_TYPES.includes(type))
      out.push(`volume ${v.name}: type ${type ?? 'none'}`);
  }
  for (const c of [...spec.containers, ...(spec.initContainers ?? [])]) {
    const withPodSeccomp: Container =
      c.securityContext?.seccompProfile || !podSc.seccompProfile
        ? c
        : { ...c, securityContext: { ...c.securityContext, seccompProfile: podSc.seccompProfile } };
    out.push(...containerProblems(withPodSeccomp, podSc.runAsNonRoot === true));
  }
  return out;
}

/** The injected containers alone: with a security context, they must meet every container rule. */
export function injectedContainerProblems(pod: Pod): string[] {
  const injected = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].filter(
    (c) =>
      (c.name === 'vault-agent' || c.name === 'vault-agent-init') &&
      c.securityContext !== undefined,
  );
  return injected.flatMap((c) =>
    c.securityContext?.runAsUser === 0 ? [] : containerProblems(c, false),
  );
}
