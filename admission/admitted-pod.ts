// The last step of every path to the engine: the pod as the API server hands it to the webhook, with
// what its request says about it, in; the engine's outcome out. `POST /mutate` and `review` take it
// from a real AdmissionRequest; `mutate`, `lint`, `policy` and `doctor` build the one the API server
// would send for a manifest object (cli/pipeline.ts). One step, so the paths cannot drift apart.
import type { InjectorConfig } from '../patches/injector-config.js';
import { inject } from '../patches/inject.js';
import type { InjectionOutcome } from '../patches/outcome.js';
import { requestNamespace, type AdmissionRequest } from './envelope.js';

export interface AdmittedPod {
  /** The pod (`request.object`); anything else is the engine's to skip or deny. */
  readonly object: unknown;
  /** The request namespace: where the pod will live, whether or not its metadata says so. */
  readonly namespace: string;
  /** AdmissionRequest.kind.kind when known. */
  readonly kind?: string | undefined;
  /** AdmissionRequest.operation when known; a manifest's objects are about to be created. */
  readonly operation?: string | undefined;
  /** Where the pod sits in what the user sent, for naming its fields. */
  readonly objectPath?: string | undefined;
}

/** The pod of a real request: the API server has already run its own admission on it. */
export function admittedFromRequest(request: AdmissionRequest): AdmittedPod {
  return {
    object: request.object,
    namespace: requestNamespace(request),
    kind: request.kind?.kind,
    operation: request.operation,
    objectPath: 'request.object',
  };
}

export function engineOutcome(admitted: AdmittedPod, config: InjectorConfig): InjectionOutcome {
  const { object, namespace, kind, operation, objectPath } = admitted;
  return inject(object, { namespace, kind, operation, objectPath, config });
}
