// The agent containers' requests and limits. What the API server would refuse after injection (a
// negative amount, a request above its limit) is a problem here, naming the annotation or the
// injector setting that chose the value.
import type { ExactRow } from './annotation-row.js';
import { ANNOTATIONS as T } from './annotation-table.js';
import type { AnnotationReader } from './annotation-reader.js';
import type { AgentSpec } from './agent-spec.js';
import type { InjectorConfig } from './injector-config.js';
import { quantityValue } from './quantity.js';

/** A limit or request annotation; its row names the setting that gives its default. */
type Side = ExactRow<string, string, keyof InjectorConfig & `${string}${'Limit' | 'Request'}`>;

interface Resource {
  readonly name: string;
  readonly limit: Side;
  readonly request: Side;
}

const RESOURCES: readonly Resource[] = [
  {
    name: 'cpu',
    limit: T.agentLimitsCpu,
    request: T.agentRequestsCpu,
  },
  {
    name: 'memory',
    limit: T.agentLimitsMem,
    request: T.agentRequestsMem,
  },
  {
    name: 'ephemeral-storage',
    limit: T.agentLimitsEphemeral,
    request: T.agentRequestsEphemeral,
  },
];

function readSide(r: AnnotationReader, side: Side, cfg: InjectorConfig): string {
  const value = r.read(side, String(cfg[side.setting]));
  if (value.startsWith('-'))
    r.problemWithDefault(side.key, side.setting, value, 'expected a quantity that is not negative');
  return value;
}

function checkOrder(r: AnnotationReader, res: Resource, limit: string, request: string): void {
  if (limit === '' || request === '' || limit.startsWith('-')) return;
  if (quantityValue(request) <= quantityValue(limit)) return;
  // Blame the pod's own annotation when one side came from the injector's defaults.
  if (r.has(res.request.key) || !r.has(res.limit.key)) {
    const message = `the ${res.name} request must not exceed its limit (${limit})`;
    r.problemWithDefault(res.request.key, res.request.setting, request, message);
  } else {
    const message = `the ${res.name} limit must not be below the injector's default request (${request})`;
    r.problem(res.limit.key, limit, message);
  }
}

/** Keys in Kubernetes' order (cpu, ephemeral-storage, memory), as vault-k8s emits them. */
function sortedKeys(o: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.keys(o)
      .sort()
      .map((k) => [k, o[k] as string]),
  );
}

export function readResources(r: AnnotationReader, cfg: InjectorConfig): AgentSpec['resources'] {
  const limits: Record<string, string> = {};
  const requests: Record<string, string> = {};
  for (const res of RESOURCES) {
    const limit = readSide(r, res.limit, cfg);
    const request = readSide(r, res.request, cfg);
    checkOrder(r, res, limit, request);
    if (limit !== '') limits[res.name] = limit;
    if (request !== '') requests[res.name] = request;
  }
  return { limits: sortedKeys(limits), requests: sortedKeys(requests) };
}
