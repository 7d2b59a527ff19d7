// What the injector can tell about the agent image from its reference alone (no registry lookup):
// which agent it is, its version when the tag says, where the binary lives, whether it has a shell.
import type { AgentBinarySource } from './injector-config.js';
import type { InjectorNames } from './injector-names.js';

export interface AgentImage {
  readonly flavour: 'vault' | 'openbao';
  /** [major, minor] from a version-like tag, undefined for latest, digests and the like. */
  readonly version: readonly [number, number] | undefined;
  /** Images without /bin/sh cannot run the copy init container. */
  readonly distroless: boolean;
}

/** The tag of an image reference: after the last ':' of the last path segment, digest dropped. */
function tagOf(reference: string): string {
  const noDigest = reference.split('@')[0] ?? '';
  const last = noDigest.slice(noDigest.lastIndexOf('/') + 1);
  const colon = last.lastIndexOf(':');
  return colon < 0 ? '' : last.slice(colon + 1);
}

/** The image's own name decides; an unknown (mirrored, renamed) image is the pod's flavour's. */
function imageFlavour(repository: string, names: InjectorNames): AgentImage['flavour'] {
  if (/(^|\/)openbao$/.test(repository)) return 'openbao';
  if (/(^|\/)vault(-enterprise)?$/.test(repository)) return 'vault';
  return names.binary === 'bao' ? 'openbao' : 'vault';
}

export function describeAgentImage(reference: string, names: InjectorNames): AgentImage {
  const repository = (reference.split('@')[0] ?? '').replace(/:[^/]*$/, '');
  const flavour = imageFlavour(repository, names);
  const m = /^v?(\d+)\.(\d+)/.exec(tagOf(reference));
  return {
    flavour,
    version: m ? [Number(m[1]), Number(m[2])] : undefined,
    distroless: /distroless/i.test(reference),
  };
}

const atLeast = (v: readonly [number, number], major: number, minor: number): boolean =>
  v[0] > major || (v[0] === major && v[1] >= minor);

/** Vault keeps its binary in /bin; OpenBao moved it to /usr/bin in 2.6 (unknown tags: the new place). */
export function binaryPathInImage(image: AgentImage): string {
  if (image.flavour === 'vault') return 'bin/vault';
  return image.version === undefined || atLeast(image.version, 2, 6) ? 'usr/bin/bao' : 'bin/bao';
}

/** Process supervisor mode (exec + env_template) arrived in Vault 1.14 and is in every OpenBao 2.x. */
export function supportsSupervisorMode(image: AgentImage): boolean {
  if (image.version === undefined) return true;
  return image.flavour === 'vault' ? atLeast(image.version, 1, 14) : atLeast(image.version, 2, 0);
}

/** The binary's path inside a wrapped container. */
export function agentRunPath(
  image: AgentImage,
  source: AgentBinarySource,
  names: InjectorNames,
): string {
  const inImage = binaryPathInImage(image);
  if (source === 'image-volume') return `${names.paths.agentBinary}/${inImage}`;
  return `${names.paths.agentBinary}/${inImage.slice(inImage.lastIndexOf('/') + 1)}`;
}
