// Which containers env secrets wrap, and the argv the agent runs in each: the container's own
// command and args, agent-env-command, or, for a pod injected before, the argv its config recorded.
import {
  ANNOTATION_AGENT_ENV_COMMAND,
  ANNOTATION_AGENT_ENV_CONTAINERS,
  PREFIX_ENV_CONFIG,
} from './annotations.js';
import type { AnnotationReader } from './annotation-reader.js';
import type { WrappedContainer } from './env-spec.js';
import { expandArgv } from './expand-argv.js';
import type { InjectorNames } from './injector-names.js';
import { isRecord } from './is-record.js';
import type { Container, Pod } from './k8s-types.js';

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.length > 0 && v.every((s) => typeof s === 'string');
}

/** agent-env-command: a JSON array of strings, or undefined (a problem is recorded if it is bad). */
export function readEnvCommand(r: AnnotationReader): string[] | undefined {
  const key = ANNOTATION_AGENT_ENV_COMMAND;
  if (!r.has(key)) return undefined;
  const raw = r.string(key, '');
  try {
    const parsed: unknown = JSON.parse(raw);
    if (isStringArray(parsed)) return parsed;
  } catch {
    // Reported below with the accepted form.
  }
  r.problem(key, raw, 'expected a JSON array of strings, e.g. ["/app/server","--port=8080"]');
  return undefined;
}

function execCommand(json: string): string[] | undefined {
  try {
    const config: unknown = JSON.parse(json);
    const exec = isRecord(config) ? config.exec : undefined;
    const command = isRecord(exec) ? exec.command : undefined;
    return isStringArray(command) ? command : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The argv an earlier injection moved into the agent config, if this container was wrapped.
 * `prefix`: the config annotation's prefix as this pod spells it (the engine reads an OpenBao pod
 * with its keys moved under the engine's prefix; the stored pod keeps OpenBao's).
 */
export function recordedArgv(
  pod: Pod,
  index: number,
  names: InjectorNames,
  prefix: string,
): string[] | undefined {
  const raw = pod.metadata?.annotations?.[`${prefix}${index}`];
  const command = pod.spec?.containers[index]?.command ?? [];
  const wrapped = command[1] === 'agent' && command[0]?.startsWith(`${names.paths.agentBinary}/`);
  return raw !== undefined && wrapped === true ? execCommand(raw) : undefined;
}

/** The argv as written in the pod: Kubernetes' command + args rules, with agent-env-command. */
function writtenArgv(c: Container, command: string[] | undefined): string[] | undefined {
  if (c.command !== undefined && c.command.length > 0) return [...c.command, ...(c.args ?? [])];
  return command && [...command, ...(c.args ?? [])];
}

/** The field an argv problem is fixed in: the container's command, or agent-env-command. */
const COMMAND_FIELD = 'spec.containers[].command';

function argvProblem(
  r: AnnotationReader,
  c: Container,
  argv: string[] | undefined,
): string[] | undefined {
  const own = c.command !== undefined && c.command.length > 0;
  const key = own ? COMMAND_FIELD : ANNOTATION_AGENT_ENV_COMMAND;
  if (argv === undefined) {
    // Named by the annotation to add: the other fix, a command in the pod spec, is in the message.
    r.problem(
      ANNOTATION_AGENT_ENV_COMMAND,
      undefined,
      `container "${c.name}" has no command, so the injector cannot know what the agent should run (the image's ENTRYPOINT is not looked up): set the container's command, or ${ANNOTATION_AGENT_ENV_COMMAND} to the full argv as a JSON array`,
    );
    return undefined;
  }
  const withEnvFrom = Array.isArray(c.envFrom) && c.envFrom.length > 0;
  const expanded = expandArgv(argv, c.env ?? [], withEnvFrom);
  if (!expanded.ok) {
    r.problem(
      key,
      undefined,
      `container "${c.name}": $(${expanded.name}) in its command or args must be expanded before the agent runs it, but ${expanded.name} is not a literal env value of the container (valueFrom, envFrom or undefined); write the value into the argv`,
    );
    return undefined;
  }
  if (expanded.argv.length === 1 && /\s/.test(expanded.argv[0] ?? '')) {
    r.problem(
      key,
      undefined,
      `container "${c.name}": a one-element argv containing whitespace would be run through sh -c by the agent; split it into separate elements`,
    );
    return undefined;
  }
  return expanded.argv;
}

function wrapOne(
  r: AnnotationReader,
  pod: Pod,
  name: string,
  ctx: { names: InjectorNames; command: string[] | undefined },
): WrappedContainer | undefined {
  const containers = pod.spec?.containers ?? [];
  const index = containers.findIndex((c) => c.name === name);
  const c = containers[index];
  if (c === undefined) {
    const init = (pod.spec?.initContainers ?? []).some((x) => x.name === name);
    const why = init
      ? 'is an init container; only app containers can be wrapped'
      : 'no such container (names are not trimmed)';
    r.problem(ANNOTATION_AGENT_ENV_CONTAINERS, name, `"${name}": ${why}`);
    return undefined;
  }
  const recorded = recordedArgv(pod, index, ctx.names, PREFIX_ENV_CONFIG);
  // A recorded argv was expanded when first wrapped: expanding it again could change it.
  if (recorded !== undefined) return { name, index, argv: recorded };
  const argv = argvProblem(r, c, writtenArgv(c, ctx.command));
  return argv && { name, index, argv };
}

/** Nothing to wrap: an empty agent-env-containers, or (without it) a pod with no containers. */
function noContainerNamed(r: AnnotationReader): void {
  if (r.has(ANNOTATION_AGENT_ENV_CONTAINERS)) {
    r.problem(
      ANNOTATION_AGENT_ENV_CONTAINERS,
      '',
      'expected a comma-separated list of container names',
    );
  } else {
    // Blame what is actually on the pod: there is no first container to default to.
    r.problem('spec.containers', undefined, 'the pod has no containers to wrap for env secrets');
  }
}

/** The wrapped containers, in the order agent-env-containers names them (default: the first). */
export function planWrappedContainers(
  r: AnnotationReader,
  pod: Pod,
  names: InjectorNames,
): WrappedContainer[] {
  const first = pod.spec?.containers[0]?.name ?? '';
  const wanted = [...new Set(r.list(ANNOTATION_AGENT_ENV_CONTAINERS, first))];
  if (wanted.length === 0) noContainerNamed(r);
  const command = readEnvCommand(r);
  const out: WrappedContainer[] = [];
  for (const name of wanted) {
    const w = wrapOne(r, pod, name, { names, command });
    if (w !== undefined) out.push(w);
  }
  return out;
}
