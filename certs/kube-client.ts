// Kubernetes API access for auto-TLS. Only certs/ and the CLI import client-node; the /mutate path
// never does (its generated models rewrite timestamps). Clients are built on demand from a
// KubeConfig the caller loaded, so importing this file does no work.
import {
  AdmissionregistrationV1Api,
  ApiException,
  CoreV1Api,
  KubeConfig,
} from '@kubernetes/client-node';
import { toError } from '../patches/to-error.js';

export interface KubeClients {
  readonly kubeConfig: KubeConfig;
  readonly core: CoreV1Api;
  readonly admission: AdmissionregistrationV1Api;
}

/** In-cluster service account, else KUBECONFIG / ~/.kube/config (client-node's default order). */
export function loadDefaultKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromDefault();
  return kc;
}

export function createKubeClients(kubeConfig: KubeConfig): KubeClients {
  return {
    kubeConfig,
    core: kubeConfig.makeApiClient(CoreV1Api),
    admission: kubeConfig.makeApiClient(AdmissionregistrationV1Api),
  };
}

/** HTTP status of a failed API call, undefined for network errors. */
export function apiStatus(err: unknown): number | undefined {
  return err instanceof ApiException ? err.code : undefined;
}

export function isNotFound(err: unknown): boolean {
  return apiStatus(err) === 404;
}

/** 409: an optimistic update lost (stale resourceVersion) or a create found the object there. */
export function isConflict(err: unknown): boolean {
  return apiStatus(err) === 409;
}

function statusMessage(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  try {
    const parsed = JSON.parse(body) as { message?: unknown };
    return typeof parsed.message === 'string' ? parsed.message : undefined;
  } catch {
    return body.slice(0, 200);
  }
}

/** A short, log-friendly description: ApiException messages embed whole headers and bodies. */
export function describeApiError(err: unknown): { status?: number; message: string } {
  if (err instanceof ApiException) {
    return { status: err.code, message: statusMessage(err.body) ?? `HTTP ${err.code}` };
  }
  return { message: toError(err).message };
}
