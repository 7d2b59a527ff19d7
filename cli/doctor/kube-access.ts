// The client-node side of doctor: which kubeconfig and context, the API clients, and how a failed
// call is classified. A user's mistake here (a missing file, an unknown context) is a bad flag:
// exit 2 with one line, like an unreachable cluster.
import {
  AdmissionregistrationV1Api,
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  DiscoveryV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { describeApiError } from '../../certs/kube-client.js';
import { UsageError } from '../io.js';
import type { ReadFailure } from './snapshot.js';
import { toError } from '../../patches/to-error.js';

export const EXIT_UNREACHABLE = 2;

export interface DoctorApis {
  readonly core: CoreV1Api;
  readonly admission: AdmissionregistrationV1Api;
  readonly apps: AppsV1Api;
  readonly batch: BatchV1Api;
  readonly discovery: DiscoveryV1Api;
}

export interface KubeConfigFlags {
  readonly kubeconfig?: string;
  readonly context?: string;
}

/** What loadFromDefault settles on when it finds nothing: plain HTTP to localhost:8080. */
function isClientNodeFallback(kc: KubeConfig): boolean {
  const [cluster] = kc.clusters;
  return (
    kc.clusters.length === 1 &&
    cluster?.name === 'cluster' &&
    cluster.server === 'http://localhost:8080' &&
    kc.users[0]?.name === 'user'
  );
}

/** --kubeconfig, else KUBECONFIG, else ~/.kube/config, else the pod's service account. */
export function loadKubeConfig(flags: KubeConfigFlags): KubeConfig {
  const kc = new KubeConfig();
  try {
    if (flags.kubeconfig !== undefined) kc.loadFromFile(flags.kubeconfig);
    else kc.loadFromDefault();
  } catch (err) {
    const message = toError(err).message.split('\n')[0] ?? '';
    throw new UsageError(`cannot load the kubeconfig: ${message}`, EXIT_UNREACHABLE);
  }
  if (isClientNodeFallback(kc)) {
    throw new UsageError(
      'no kubeconfig found (--kubeconfig, KUBECONFIG, ~/.kube/config) and not running in a pod',
      EXIT_UNREACHABLE,
    );
  }
  if (flags.context !== undefined) {
    if (kc.getContextObject(flags.context) === null) {
      throw new UsageError(
        `--context ${JSON.stringify(flags.context)}: no such context in the kubeconfig`,
        EXIT_UNREACHABLE,
      );
    }
    kc.setCurrentContext(flags.context);
  }
  return kc;
}

export function createDoctorApis(kc: KubeConfig): DoctorApis {
  return {
    core: kc.makeApiClient(CoreV1Api),
    admission: kc.makeApiClient(AdmissionregistrationV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    batch: kc.makeApiClient(BatchV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
  };
}

/** The cluster cannot be asked anything: no connection, or credentials it refuses. */
export class ClusterUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ClusterUnreachableError';
  }
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  403: '403 Forbidden',
  404: '404 Not Found: the API does not serve it',
};

/** A failed call as data (403, 404, 5xx), or ClusterUnreachableError thrown for the rest. */
export function classifyFailure(err: unknown, what: string, object: string): ReadFailure {
  if (!(err instanceof ApiException)) {
    const message = toError(err).message;
    throw new ClusterUnreachableError(message.split('\n')[0] ?? message);
  }
  const code = err.code;
  if (code === 401) {
    throw new ClusterUnreachableError('the API server refused the credentials (401 Unauthorized)');
  }
  const status = code === 403 ? 'forbidden' : code === 404 ? 'absent' : 'failed';
  const reason = STATUS_TEXT[code] ?? `HTTP ${code}: ${describeApiError(err).message}`;
  return { status, what, object, reason };
}

/** 404 on a named object: it does not exist, which is an answer, not a failure. */
export function isNotFoundError(err: unknown): boolean {
  return err instanceof ApiException && err.code === 404;
}
