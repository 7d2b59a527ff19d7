// Least-privilege Vault policies for injected workloads: per (namespace, role), `read` on exactly
// the paths their agent-inject-secret-* annotations name, and the Kubernetes auth role binding
// their service accounts. Built from the engine's parsed agent spec, so the role, auth mount and
// token audience are the ones the injected agent really logs in with. Pure: the CLI finds the
// workloads and prints the plan.
import type { AgentSpec } from './agent-spec.js';
import * as A from './annotations.js';

/** What a Vault role must accept for the injected agent's login, and what it reads. */
export interface AgentLogin {
  /** The role the agent logs in as ("" when a ConfigMap's own config supplies it). */
  readonly role: string;
  readonly authType: string;
  readonly authPath: string;
  /** The audience of the token the agent sends; "" for the API server's default. */
  readonly audience: string;
  readonly secrets: readonly PolicySecret[];
  /** The agent config comes from a ConfigMap, whose paths cannot be read here. */
  readonly usesConfigMap: boolean;
  /** The server's CLI the commands are written for: `vault`, or `bao` for OpenBao workloads. */
  readonly cli: string;
  /** The Vault Enterprise namespace the agent logs in to ("" for none): policy and role live there. */
  readonly vaultNamespace: string;
}

export interface PolicySecret {
  /** The raw secret name (the annotation suffix). */
  readonly name: string;
  /** Vault path from agent-inject-secret-NAME ("" for template-only secrets). */
  readonly path: string;
  /** A custom template decides what is read. */
  readonly customTemplate: boolean;
  /** A file (agent-inject-secret-*) or an environment variable (agent-inject-env-*). */
  readonly kind?: 'file' | 'env';
}

/** One annotated pod or pod template, as the CLI found it and the engine read it. */
export interface PolicyWorkload {
  /** "Kind/name", for messages. */
  readonly object: string;
  readonly namespace: string;
  /** spec.serviceAccountName, or "default". */
  readonly serviceAccount: string;
  /** The agent's login; undefined when the webhook would deny the pod (see `denial`). */
  readonly login?: AgentLogin;
  /** Why the webhook would deny the pod, as its denial reads. */
  readonly denial?: string;
}

export interface PolicyOptions {
  /** Vault duration for token_ttl, e.g. "15m". */
  readonly tokenTtl: string;
}

export function agentLogin(spec: AgentSpec): AgentLogin {
  return {
    // role beats auth-config-role in the engine's auth config, as it does in the agent's login.
    role: spec.authConfig.role ?? '',
    authType: spec.authType,
    authPath: spec.authPath,
    audience: spec.serviceAccount.audience,
    secrets: [
      ...spec.secrets.map((s) => ({
        name: s.rawName,
        path: s.path.trim(),
        customTemplate: !s.usesDefaultTemplate,
      })),
      // Env secrets read Vault with the same login, so the same policy has to grant them.
      ...(spec.envSecrets?.vars ?? []).map((v) => ({
        name: v.name,
        path: v.path,
        customTemplate: v.key.startsWith(A.PREFIX_ENV_TEMPLATE),
        kind: 'env' as const,
      })),
    ],
    usesConfigMap: spec.configMap !== '',
    cli: spec.names.binary,
    vaultNamespace: spec.vaultNamespace.trim(),
  };
}

export interface PolicyWarning {
  readonly object: string;
  readonly message: string;
}

export interface RolePolicy {
  /** Vault policy name: "<namespace>-<role>", sanitised. */
  readonly name: string;
  /** `vault` or `bao`: the server the policy and role are written to. */
  readonly cli: string;
  /** The Vault Enterprise namespace both are written in ("" for none): `-namespace=` on each command. */
  readonly vaultNamespace: string;
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
  /** Workloads no policy could be written for (no role, or denied by the webhook). */
  readonly warnings: readonly PolicyWarning[];
}

interface Binding {
  readonly mount: string;
  readonly audience: string;
  readonly authType: string;
}

interface Group {
  readonly cli: string;
  readonly vaultNamespace: string;
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

/**
 * Grouped per server and Vault namespace too: an OpenBao and a Vault workload never share a
 * policy, nor do two whose agents log in to different Vault namespaces.
 */
function groupFor(groups: Map<string, Group>, namespace: string, login: AgentLogin): Group {
  const { role, cli, vaultNamespace } = login;
  const id = JSON.stringify([cli, vaultNamespace, namespace, role]);
  let group = groups.get(id);
  if (group === undefined) {
    group = {
      cli,
      vaultNamespace,
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

function secretWarning(object: string, s: PolicySecret): PolicyWarning {
  const env = s.kind === 'env';
  const what = env ? `env variable "${s.name}"` : `secret "${s.name}"`;
  const declared = env ? `agent-inject-env-${s.name}` : `agent-inject-secret-${s.name}`;
  const message =
    s.path === ''
      ? `${what} comes from a custom template: its Vault paths cannot be inferred; add them to this policy by hand`
      : `${what} has a custom template: it may read other paths than ${declared}; check them`;
  return { object, message };
}

function addWorkload(group: Group, w: PolicyWorkload, login: AgentLogin): void {
  const secrets = [...login.secrets].sort((a, b) => compareBy(a, b, 'name'));
  for (const s of secrets) if (s.path !== '') group.paths.add(s.path);
  group.serviceAccounts.add(w.serviceAccount);
  group.workloads.add(w.object);
  group.bindings.push({
    mount: authMount(login.authPath),
    audience: login.audience,
    authType: login.authType,
  });
  for (const s of secrets.filter((x) => x.path === '')) {
    group.templateOnly.push({ object: w.object, secret: s.name });
  }
  group.warnings.push(
    ...secrets.filter((x) => x.customTemplate).map((x) => secretWarning(w.object, x)),
  );
  if (login.usesConfigMap) {
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

interface RoleBinding {
  readonly mount: string;
  readonly audience: string;
  readonly ttl: string;
}

function roleCommand(group: Group, name: string, binding: RoleBinding): string {
  const { mount, audience, ttl } = binding;
  const args = [
    `auth/${mount}/role/${group.role}`,
    `bound_service_account_names=${sorted(group.serviceAccounts).join(',')}`,
    `bound_service_account_namespaces=${group.namespace}`,
    `policies=${name}`,
    `token_ttl=${ttl}`,
    ...(audience === '' ? [] : [`audience=${audience}`]),
  ];
  return [group.cli, 'write', ...namespaceFlag(group.vaultNamespace), ...args]
    .map(shellQuote)
    .join(' ');
}

/** The CLI flag writing into a Vault Enterprise namespace; none for the root namespace. */
function namespaceFlag(vaultNamespace: string): string[] {
  return vaultNamespace === '' ? [] : [`-namespace=${vaultNamespace}`];
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
    commands.push(roleCommand(group, name, { mount, audience, ttl: opts.tokenTtl }));
  }
  return { commands, warnings };
}

function finish(group: Group, opts: PolicyOptions): RolePolicy {
  const name = policyName(group.namespace, group.role);
  const paths = sorted(group.paths);
  const roles = roleCommands(group, name, opts);
  return {
    name,
    cli: group.cli,
    vaultNamespace: group.vaultNamespace,
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
    const same = (x: RolePolicy, y: RolePolicy): boolean =>
      x.name === y.name && x.cli === y.cli && x.vaultNamespace === y.vaultNamespace;
    if (a !== undefined && b !== undefined && same(a, b)) {
      out.push({
        object: `policy ${b.name}`,
        message: `written for both ${a.namespace}/${a.role} and ${b.namespace}/${b.role}: rename one role`,
      });
    }
  }
  return out;
}

/** Why no policy can be written for a workload, or undefined when one can. */
function unplannable(w: PolicyWorkload): string | undefined {
  if (w.login === undefined) return `the webhook would deny it: ${w.denial ?? 'unknown reason'}`;
  if (w.login.role === '') return `no ${A.ANNOTATION_ROLE}: no policy can be named or bound for it`;
  return undefined;
}

/** Policies come out sorted by server (bao before vault), Vault namespace, then name. */
export function planPolicies(
  workloads: readonly PolicyWorkload[],
  opts: PolicyOptions,
): PolicyPlan {
  const groups = new Map<string, Group>();
  const warnings: PolicyWarning[] = [];
  for (const w of workloads) {
    const why = unplannable(w);
    if (why !== undefined || w.login === undefined) {
      warnings.push({ object: w.object, message: why ?? '' });
      continue;
    }
    addWorkload(groupFor(groups, w.namespace, w.login), w, w.login);
  }
  const policies = [...groups.values()]
    .map((g) => finish(g, opts))
    .sort(
      (a, b) =>
        compareBy(a, b, 'cli') ||
        compareBy(a, b, 'vaultNamespace') ||
        compareBy(a, b, 'name') ||
        compareBy(a, b, 'namespace') ||
        compareBy(a, b, 'role'),
    );
  return { policies, warnings: [...warnings, ...clashes(policies)] };
}

/** The plan as a shell script: `vault policy write` (or `bao`) with a here-document, then the role. */
export function formatPolicyScript(plan: PolicyPlan): string {
  const blocks = plan.policies.map((p) => {
    const where = p.vaultNamespace === '' ? '' : ` (Vault namespace ${p.vaultNamespace})`;
    const write = [p.cli, 'policy', 'write', ...namespaceFlag(p.vaultNamespace), p.name];
    const lines = [
      `# Namespace ${p.namespace}, role ${p.role}${where}: ${p.workloads.join(', ')}`,
      ...p.warnings.map((w) => `# WARNING: ${w.object}: ${w.message}`),
      `${write.map(shellQuote).join(' ')} - <<'EOF'`,
      p.hcl.trimEnd(),
      'EOF',
      ...p.roleCommands,
    ];
    return `${lines.join('\n')}\n`;
  });
  const skipped = plan.warnings.map((w) => `# WARNING: ${w.object}: ${w.message}\n`).join('');
  return [skipped, ...blocks].filter((b) => b !== '').join('\n');
}
