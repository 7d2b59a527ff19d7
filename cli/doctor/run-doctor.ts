// One doctor run: kubeconfig → read the cluster → diagnose. Loaded only by the doctor command, so
// client-node stays out of the other commands' start-up.
import type { InjectorConfig } from '../../patches/injector-config.js';
import { UsageError } from '../io.js';
import { diagnose, type DoctorReport } from './diagnose.js';
import { ClusterUnreachableError, createDoctorApis, EXIT_UNREACHABLE } from './kube-access.js';
import { loadKubeConfig, type KubeConfigFlags } from './kubeconfig.js';
import { readCluster, type DoctorTarget } from './read-cluster.js';
import { RequestDeadlines } from './request-timeout.js';

export interface DoctorRun {
  readonly kube: KubeConfigFlags;
  /** Per API request, in milliseconds; 0 for none. */
  readonly requestTimeoutMs: number;
  /** --request-timeout as given, for the message when it expires. */
  readonly requestTimeout: string;
  readonly target: DoctorTarget;
  readonly config: InjectorConfig;
  readonly now: Date;
}

export async function runDoctor(run: DoctorRun): Promise<DoctorReport> {
  const kc = loadKubeConfig(run.kube);
  const server = kc.getCurrentCluster()?.server;
  if (server === undefined) {
    throw new UsageError('the kubeconfig names no current cluster', EXIT_UNREACHABLE);
  }
  const deadlines =
    run.requestTimeoutMs > 0 ? new RequestDeadlines(run.requestTimeoutMs) : undefined;
  try {
    const apis = createDoctorApis(kc, server, deadlines);
    const snapshot = await readCluster(apis, run.target);
    return diagnose(snapshot, run.config, run.now);
  } catch (err) {
    if (!(err instanceof ClusterUnreachableError)) throw err;
    const why = err.timedOut
      ? `${err.message} within ${run.requestTimeout} (--request-timeout)`
      : err.message;
    throw new UsageError(`cannot reach the Kubernetes API at ${server}: ${why}`, EXIT_UNREACHABLE);
  } finally {
    deadlines?.clear();
  }
}
