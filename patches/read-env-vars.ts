// agent-inject-env-<VAR> and agent-inject-env-template-<VAR>: one environment variable each, checked
// for a usable name, a key the API server accepts and a path#field the default template can use.
import {
  ANNOTATION_PREFIX,
  PREFIX_ENV,
  PREFIX_ENV_TEMPLATE,
  type FamilyIndex,
} from './annotations.js';
import type { EnvVarSpec } from './env-spec.js';
import type { Problem } from './finding.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** The name part of an annotation key: at most 63 characters, alphanumeric at both ends. */
const KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const KEY_NAME_MAX = 63;
/** Characters that would break out of the template's quoted path, or that no Vault path needs. */
const PATH = /^[^\s"\\{}#]+$/;
const FIELD = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Why the variable's annotation key cannot be used, if it cannot. */
function nameProblem(key: string, name: string): string | undefined {
  if (!ENV_NAME.test(name)) {
    return `${JSON.stringify(name)} is not a valid environment variable name: expected letters, digits and _, not starting with a digit`;
  }
  const keyName = key.slice(ANNOTATION_PREFIX.length);
  if (keyName.length > KEY_NAME_MAX) {
    const room = KEY_NAME_MAX - (keyName.length - name.length);
    return `the annotation key's name part is ${keyName.length} characters; Kubernetes allows ${KEY_NAME_MAX}, so VAR can have at most ${room}`;
  }
  if (!KEY_NAME.test(keyName)) {
    return `Kubernetes annotation keys must start and end with a letter or digit, so VAR cannot start or end with _`;
  }
  return undefined;
}

/** KV v2 nests the secret's fields under .Data.data; every other engine puts them in .Data. */
export function defaultEnvTemplate(path: string, field: string): string {
  const data = /(^|\/)data\//.test(path) ? '.Data.data' : '.Data';
  return `{{ with secret "${path}" }}{{ ${data}.${field} }}{{ end }}`;
}

function parseReference(value: string, product: string): { path: string; field: string } | string {
  const hash = value.indexOf('#');
  if (hash < 0 || hash !== value.lastIndexOf('#'))
    return 'expected "<path>#<field>", e.g. secret/data/web#password';
  const path = value.slice(0, hash);
  const field = value.slice(hash + 1);
  if (!PATH.test(path))
    return `expected a ${product} path before # (no spaces, quotes, backslashes or braces)`;
  if (!FIELD.test(field)) {
    return 'expected a field name after # (letters, digits, _); for other fields use agent-inject-env-template-<VAR> with {{ index .Data.data "the-field" }}';
  }
  return { path, field };
}

function referenceVar(
  key: string,
  name: string,
  value: string,
  out: { readonly problems: Problem[]; readonly product: string },
): EnvVarSpec | undefined {
  const ref = parseReference(value, out.product);
  if (typeof ref === 'string') {
    out.problems.push({ key, value, message: ref });
    return undefined;
  }
  return { name, key, path: ref.path, contents: defaultEnvTemplate(ref.path, ref.field) };
}

function templateVar(
  name: string,
  contents: string,
  declared: ReadonlyMap<string, EnvVarSpec>,
  problems: Problem[],
): EnvVarSpec | undefined {
  const key = `${PREFIX_ENV_TEMPLATE}${name}`;
  const bad =
    nameProblem(key, name) ?? (contents.trim() === '' ? 'expected a template' : undefined);
  if (bad === undefined) return { name, key, path: declared.get(name)?.path ?? '', contents };
  problems.push({ key, message: bad });
  return undefined;
}

const byName = (a: EnvVarSpec, b: EnvVarSpec): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Every declared variable, sorted by name; a template annotation overrides the path#field one. */
/** `product`: the flavour's word for the server whose paths the variables name. */
export function readEnvVars(
  index: FamilyIndex,
  product: string,
): { vars: EnvVarSpec[]; problems: Problem[] } {
  const problems: Problem[] = [];
  const vars = new Map<string, EnvVarSpec>();
  for (const [name, value] of index.get(PREFIX_ENV) ?? []) {
    const key = `${PREFIX_ENV}${name}`;
    const bad = nameProblem(key, name);
    if (bad !== undefined) problems.push({ key, message: bad });
    const v = referenceVar(key, name, value, { problems, product });
    if (bad === undefined && v !== undefined) vars.set(name, v);
  }
  for (const [name, contents] of index.get(PREFIX_ENV_TEMPLATE) ?? []) {
    const v = templateVar(name, contents, vars, problems);
    if (v !== undefined) vars.set(name, v);
  }
  return { vars: [...vars.values()].sort(byName), problems };
}
