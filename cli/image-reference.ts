// The container image reference grammar the kubelet's runtime accepts (distribution/reference):
// [registry[:port]/]path[:tag][@algorithm:digest], lower-case path components.

const ALNUM = '[a-z0-9]+';
const SEPARATOR = '(?:[._]|__|-+)';
const PATH_COMPONENT = `${ALNUM}(?:${SEPARATOR}${ALNUM})*`;
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const NAME = `(?:${HOST}(?::[0-9]+)?/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(`^(${NAME})(?::${TAG})?(?:@${DIGEST})?$`);
/** distribution/reference's NameTotalLengthMax. */
const MAX_NAME_LENGTH = 255;

export const IMAGE_ACCEPTED =
  'an image reference such as hashicorp/vault:2.0.4 or registry.example:5000/vault@sha256:<digest> (lower-case name, no spaces)';

export function isImageReference(raw: string): boolean {
  const m = REFERENCE.exec(raw);
  return m !== null && (m[1] ?? '').length <= MAX_NAME_LENGTH;
}
