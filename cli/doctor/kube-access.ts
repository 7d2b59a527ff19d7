// The client-node side of doctor: the API clients (each request with its deadline), and how a
// failed call is classified. Which kubeconfig and context: kubeconfig.ts.
import {
  AdmissionregistrationV1Api,
  ApiException,
  AppsV1Api,
  BatchV1Api,
  CoreV1Api,
  createConfiguration,
  DiscoveryV1Api,
  ServerConfiguration,
  type KubeConfig,
} from '@kubernetes/client-node';
import { describeApiError } from '../../certs/kube-client.js';
import { isTimeout, type RequestDeadlines } from './request-timeout.js';
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

/** As kc.makeApiClient builds them, plus a deadline on every request (none without deadlines). */
export function createDoctorApis(
  kc: KubeConfig,
  server: string,
  deadlines: RequestDeadlines | undefined,
): DoctorApis {
  const config = createConfiguration({
    baseServer: new ServerConfiguration(server, {}),
    authMethods: { default: kc },
    promiseMiddleware: deadlines ? [deadlines.middleware()] : [],
  });
  return {
    core: new CoreV1Api(config),
    admission: new AdmissionregistrationV1Api(config),
    apps: new AppsV1Api(config),
    batch: new BatchV1Api(config),
    discovery: new DiscoveryV1Api(config),
  };
}

/** The cluster cannot be asked anything: no connection, no answer in time, or credentials it refuses. */
export class ClusterUnreachableError extends Error {
  constructor(
    message: string,
    /** A request went unanswered for --request-timeout. */
    readonly timedOut = false,
  ) {
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
  if (isTimeout(err)) throw new ClusterUnreachableError(`${what}: no answer`, true);
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
