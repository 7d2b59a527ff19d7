// Who an admission request was about, for the decision log line.
import { isRecord } from '../patches/is-record.js';
import type { AdmissionRequest } from './envelope.js';

/** Never includes annotation values. */
export interface RequestSummary {
  uid: string;
  namespace: string;
  /** metadata.name, or generateName for pods from controllers. */
  name: string;
  ownerKind: string;
  operation: string;
}

export function summarize(request: AdmissionRequest, namespace: string): RequestSummary {
  const meta =
    isRecord(request.object) && isRecord(request.object.metadata) ? request.object.metadata : {};
  const owners = Array.isArray(meta.ownerReferences) ? meta.ownerReferences : [];
  const owner = owners.find((o) => isRecord(o) && o.controller === true) ?? owners[0];
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  return {
    uid: request.uid,
    namespace,
    name: str(meta.name) || str(meta.generateName) || str(request.name),
    ownerKind: isRecord(owner) ? str(owner.kind) : '',
    operation: str(request.operation),
  };
}
