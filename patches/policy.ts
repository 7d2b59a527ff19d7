// Least-privilege Vault policies from annotations (issue 6 item 5): per (namespace, role), `read` on
// exactly the paths the workloads' agent-inject-secret-* annotations name, and the Kubernetes auth
// role binding their service accounts. Pure: the CLI finds the workloads and prints the plan.
import * as A from './annotations.js';
import { parseGoBool } from './go-values.js';

/** One annotated pod or pod template, as the CLI found it. */
export interface PolicyWorkload {
  /** "Kind/name", for messages. */
  readonly object: string;
  readonly namespace: string;
  /** spec.serviceAccountName, or "default". */
  readonly serviceAccount: string;
  readonly annotations: Readonly<Record<string, string>>;
}

/** The injector settings that decide the role command (annotations override them, as in the engine). */
export interface PolicyOptions {
  /** --vault-auth-path, e.g. "auth/kubernetes". */
  readonly authPath: string;
  /** --vault-auth-type; only "kubernetes" roles can be written from what a manifest says. */
  readonly authType: string;
  /** --sa-token-audience; "" = the API server's default audience (no audience on the role). */
  readonly audience: string;
  /** --sa-token-projection: without it the agent uses the pod's token, whose audience is fixed. */
  readonly tokenProjection: boolean;
  /** Vault duration for token_ttl, e.g. "15m". */
  readonly tokenTtl: string;
}

export interface PolicyWarning {
  readonly object: string;
  readonly message: string;
}

export interface RolePolicy {
  /** Vault policy name: "<namespace>-<role>", sanitised. */
  readonly name: string;
  readonly namespace: string;
  readonly role: string;
  /** Sorted, de-duplicated Vault paths granted `read`. */
  readonly paths: readonly string[];
  readonly serviceAccounts: readonly string[];
  readonly workloads: readonly string[];
  readonly hcl: string;
  /** One `vault write auth/<mount>/role/<role> ...` per auth mount used (usually one). */
  readonly roleCommands: readonly string[];
  /** Secrets rendered only from custom templates, whose paths this policy cannot include. */
  readonly templateOnly: readonly TemplateOnlySecret[];
  /** Warnings about this policy: template-only secrets, conflicting audiences, other auth types. */
  readonly warnings: readonly PolicyWarning[];
}

export interface TemplateOnlySecret {
  readonly object: string;
  /** The raw secret name (the annotation suffix). */
  readonly secret: string;
}

export interface PolicyPlan {
  readonly policies: readonly RolePolicy[];
  /** Workloads no policy could be written for (no role). */
  readonly warnings: readonly PolicyWarning[];
}

interface Binding {
  readonly mount: string;
  readonly audience: string;
  readonly authType: string;
}

interface Group {
  readonly namespace: string;
  readonly role: string;
  readonly paths: Set<string>;
  readonly serviceAccounts: Set<string>;
  readonly workloads: Set<string>;
  readonly templateOnly: TemplateOnlySecret[];
  readonly bindings: Binding[];
  readonly warnings: PolicyWarning[];
}

function compareBy<K extends string>(a: Record<K, string>, b: Record<K, string>, key: K): number {
  return a[key] < b[key] ? -1 : a[key] > b[key] ? 1 : 0;
}

const sorted = (values: Iterable<string>): string[] =>
  [...values].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));

/** Vault stores policy names lower-cased; keep them to characters every shell and URL accept. */
export function policyName(namespace: string, role: string): string {
  return `${namespace}-${role}`
    .toLowerCase()
    .replace(/[^a-z0-9._-]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** "auth/kubernetes/" → "kubernetes": the command adds auth/ itself. */
export function authMount(authPath: string): string {
  return authPath
    .trim()
    .replace(/^\/+/, '')
    .replace(/^auth\//, '')
    .replace(/\/+$/, '');
}

function isTrue(value: string | undefined): boolean {
  const parsed = parseGoBool(value ?? '');
  return parsed.ok && parsed.value;
}

/** Whether the engine would inject this pod at all (agent-inject parses true). */
export function wantsInjection(annotations: Readonly<Record<string, string>>): boolean {
  return isTrue(annotations[A.ANNOTATION_AGENT_INJECT]);
}

/** The role the agent logs in with, as parseAgentSpec reads it (role beats auth-config-role). */
function roleOf(annotations: Readonly<Record<string, string>>): string {
  return annotations[A.ANNOTATION_ROLE] || annotations[`${A.PREFIX_AUTH_CONFIG}role`] || '';
}

/** The audience the agent's projected token carries, or "" when its audience is the default. */
function audienceOf(annotations: Readonly<Record<string, string>>, opts: PolicyOptions): string {
  // As in parseAgentSpec: a named token volume or projection off means the pod's own token.
  const volumeName = annotations[A.ANNOTATION_AGENT_SERVICE_ACCOUNT_TOKEN_VOLUME_NAME] ?? '';
  if (!opts.tokenProjection || volumeName !== '') return '';
  return annotations[A.ANNOTATION_AGENT_SA_TOKEN_AUDIENCE] ?? opts.audience;
}

interface SecretPaths {
  readonly paths: string[];
  /** Secrets rendered only from custom templates: their paths are in template text we can't read. */
  readonly templateOnly: string[];
  /** Secrets with a path and a custom template: the template decides what is actually read. */
  readonly templateWithPath: string[];
}

function secretPaths(annotations: Readonly<Record<string, string>>): SecretPaths {
  const paths: string[] = [];
  const templated = new Set<string>();
  for (const [key, value] of Object.entries(annotations)) {
    if (value.trim() === '') continue;
    if (key.startsWith(A.PREFIX_SECRET) && key.length > A.PREFIX_SECRET.length) {
      paths.push(value.trim());
      continue;
    }
    // Same order as discoverSecrets: template-file- before template-.
    const prefix = [A.PREFIX_TEMPLATE_FILE, A.PREFIX_TEMPLATE].find((p) => key.startsWith(p));
    if (prefix !== undefined && key.length > prefix.length) templated.add(key.slice(prefix.length));
  }
  const hasPath = (name: string): boolean =>
    (annotations[`${A.PREFIX_SECRET}${name}`] ?? '').trim() !== '';
  const templateOnly = [...templated].filter((name) => !hasPath(name));
  const templateWithPath = [...templated].filter(hasPath);
  return { paths, templateOnly: sorted(templateOnly), templateWithPath: sorted(templateWithPath) };
}

function groupFor(groups: Map<string, Group>, namespace: string, role: string): Group {
  const id = JSON.stringify([namespace, role]);
  let group = groups.get(id);
  if (group === undefined) {
    group = {
      namespace,
      role,
      paths: new Set(),
      serviceAccounts: new Set(),
      workloads: new Set(),
      templateOnly: [],
      bindings: [],
      warnings: [],
    };
    groups.set(id, group);
  }
  return group;
}

function addWorkload(group: Group, w: PolicyWorkload, opts: PolicyOptions): void {
  const found = secretPaths(w.annotations);
  for (const p of found.paths) group.paths.add(p);
  group.serviceAccounts.add(w.serviceAccount);
  group.workloads.add(w.object);
  group.bindings.push({
    mount: authMount(w.annotations[A.ANNOTATION_AUTH_PATH] ?? opts.authPath),
    audience: audienceOf(w.annotations, opts),
    authType: w.annotations[A.ANNOTATION_AUTH_TYPE] ?? opts.authType,
  });
  for (const name of found.templateOnly) {
    group.templateOnly.push({ object: w.object, secret: name });
    group.warnings.push({
      object: w.object,
      message: `secret "${name}" comes from a custom template: its Vault paths cannot be inferred; add them to this policy by hand`,
    });
  }
  for (const name of found.templateWithPath) {
    group.warnings.push({
      object: w.object,
      message: `secret "${name}" has a custom template: it may read other paths than agent-inject-secret-${name}; check them`,
    });
  }
  if (w.annotations[A.ANNOTATION_AGENT_CONFIGMAP] !== undefined) {
    group.warnings.push({
      object: w.object,
      message: `uses ${A.ANNOTATION_AGENT_CONFIGMAP}: the paths in that agent config cannot be inferred; add them by hand`,
    });
  }
}

/** Vault HCL string literal. */
function hclString(s: string): string {
  return JSON.stringify(s);
}

export function policyHcl(paths: readonly string[]): string {
  if (paths.length === 0) return '# No secret paths could be inferred.\n';
  return paths.map((p) => `path ${hclString(p)} {\n  capabilities = ["read"]\n}\n`).join('');
}

const SHELL_SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** POSIX single-quoting for anything a shell would split or expand. */
export function shellQuote(word: string): string {
  return SHELL_SAFE.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

function roleCommand(
  group: Group,
  name: string,
  mount: string,
  audience: string,
  ttl: string,
): string {
  const args = [
    `auth/${mount}/role/${group.role}`,
    `bound_service_account_names=${sorted(group.serviceAccounts).join(',')}`,
    `bound_service_account_namespaces=${group.namespace}`,
    `policies=${name}`,
    `token_ttl=${ttl}`,
    ...(audience === '' ? [] : [`audience=${audience}`]),
  ];
  return ['vault', 'write', ...args.map(shellQuote)].join(' ');
}

interface RoleCommands {
  readonly commands: string[];
  readonly warnings: PolicyWarning[];
}

function roleCommands(group: Group, name: string, opts: PolicyOptions): RoleCommands {
  const commands: string[] = [];
  const warnings: PolicyWarning[] = [];
  const about = `role ${group.role}`;
  const kubernetes = group.bindings.filter((b) => b.authType === 'kubernetes');
  const others = new Set(group.bindings.map((b) => b.authType).filter((t) => t !== 'kubernetes'));
  for (const type of sorted(others)) {
    warnings.push({
      object: about,
      message: `auth type "${type}": only kubernetes auth roles are generated; attach policy ${name} by hand`,
    });
  }
  for (const mount of sorted(new Set(kubernetes.map((b) => b.mount)))) {
    const audiences = sorted(
      new Set(kubernetes.filter((b) => b.mount === mount).map((b) => b.audience)),
    );
    if (audiences.length > 1) {
      const listed = audiences.map((a) => a || '(default)').join(', ');
      warnings.push({
        object: about,
        message: `workloads use different token audiences (${listed}); a Vault role checks one: align them`,
      });
    }
    const audience = audiences.find((a) => a !== '') ?? '';
    commands.push(roleCommand(group, name, mount, audience, opts.tokenTtl));
  }
  return { commands, warnings };
}

function finish(group: Group, opts: PolicyOptions): RolePolicy {
  const name = policyName(group.namespace, group.role);
  const paths = sorted(group.paths);
  const roles = roleCommands(group, name, opts);
  return {
    name,
    namespace: group.namespace,
    role: group.role,
    paths,
    serviceAccounts: sorted(group.serviceAccounts),
    workloads: sorted(group.workloads),
    hcl: policyHcl(paths),
    roleCommands: roles.commands,
    templateOnly: [...group.templateOnly].sort(
      (a, b) => compareBy(a, b, 'object') || compareBy(a, b, 'secret'),
    ),
    warnings: [...group.warnings, ...roles.warnings].sort(
      (a, b) => compareBy(a, b, 'object') || compareBy(a, b, 'message'),
    ),
  };
}

/** Two (namespace, role) pairs can sanitise to one name ("a-b"+"c", "a"+"b-c"): say so. */
function clashes(policies: readonly RolePolicy[]): PolicyWarning[] {
  const out: PolicyWarning[] = [];
  for (let i = 1; i < policies.length; i++) {
    const [a, b] = [policies[i - 1], policies[i]];
    if (a !== undefined && b !== undefined && a.name === b.name) {
      out.push({
        object: `policy ${b.name}`,
        message: `written for both ${a.namespace}/${a.role} and ${b.namespace}/${b.role}: rename one role`,
      });
    }
  }
  return out;
}

/** Workloads not asking for injection are ignored. Policies come out sorted by name. */
export function planPolicies(
  workloads: readonly PolicyWorkload[],
  opts: PolicyOptions,
): PolicyPlan {
  const groups = new Map<string, Group>();
  const warnings: PolicyWarning[] = [];
  for (const w of workloads) {
    if (!wantsInjection(w.annotations)) continue;
    const role = roleOf(w.annotations);
    if (role === '') {
      warnings.push({
        object: w.object,
        message: `no ${A.ANNOTATION_ROLE}: no policy can be named or bound for it`,
      });
      continue;
    }
    addWorkload(groupFor(groups, w.namespace, role), w, opts);
  }
  const policies = [...groups.values()]
    .map((g) => finish(g, opts))
    .sort(
      (a, b) => compareBy(a, b, 'name') || compareBy(a, b, 'namespace') || compareBy(a, b, 'role'),
    );
  return { policies, warnings: [...warnings, ...clashes(policies)] };
}

/** The plan as a shell script: `vault policy write` with a here-document, then the role. */
export function formatPolicyScript(plan: PolicyPlan): string {
  const blocks = plan.policies.map((p) => {
    const lines = [
      `# Namespace ${p.namespace}, role ${p.role}: ${p.workloads.join(', ')}`,
      ...p.warnings.map((w) => `# WARNING: ${w.object}: ${w.message}`),
      `vault policy write ${shellQuote(p.name)} - <<'EOF'`,
      p.hcl.trimEnd(),
      'EOF',
      ...p.roleCommands,
    ];
    return `${lines.join('\n')}\n`;
  });
  const skipped = plan.warnings.map((w) => `# WARNING: ${w.object}: ${w.message}\n`).join('');
  return [skipped, ...blocks].filter((b) => b !== '').join('\n');
}
