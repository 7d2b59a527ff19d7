// What the injector can tell about the agent image from its reference alone (no registry lookup):
// which agent it is, its version when the tag says, where the binary lives, whether it has a shell.
import { FLAVOURS, type AgentVersion, type Flavour } from './flavours.js';
import type { AgentBinarySource } from './injector-config.js';
import type { InjectorNames } from './injector-names.js';

export interface AgentImage {
  /** The flavour whose agent the image holds. */
  readonly flavour: Flavour;
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
function imageFlavour(repository: string, pods: Flavour, flavours: readonly Flavour[]): Flavour {
  return [pods, ...flavours].find((f) => f.images.test(repository)) ?? pods;
}

/** `pods`: the flavour of the pod naming the image; `flavours`: every flavour an image may be. */
export function describeAgentImage(
  reference: string,
  pods: Flavour,
  flavours: readonly Flavour[] = FLAVOURS,
): AgentImage {
  const repository = (reference.split('@')[0] ?? '').replace(/:[^/]*$/, '');
  const flavour = imageFlavour(repository, pods, flavours);
  const m = /^v?(\d+)\.(\d+)/.exec(tagOf(reference));
  return {
    flavour,
    version: m ? [Number(m[1]), Number(m[2])] : undefined,
    distroless: /distroless/i.test(reference),
  };
}

const atLeast = (v: AgentVersion, since: AgentVersion): boolean =>
  v[0] > since[0] || (v[0] === since[0] && v[1] >= since[1]);

/** The flavour's place for the binary at the image's version (unknown tags: the newest place). */
export function binaryPathInImage(image: AgentImage): string {
  const paths = image.flavour.binaryPaths;
  const { version } = image;
  const hit = version === undefined ? paths[0] : paths.find((p) => atLeast(version, p.since));
  // A record listing no place (or none old enough) gets the usual one.
  return (hit ?? paths[paths.length - 1])?.path ?? `bin/${image.flavour.names.binary}`;
}

/** Process supervisor mode (exec + env_template): from the flavour's first release with it. */
export function supportsSupervisorMode(image: AgentImage): boolean {
  return image.version === undefined || atLeast(image.version, image.flavour.supervisorSince);
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
