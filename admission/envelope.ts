// The AdmissionReview envelope, v1 and v1beta1: its types and the check that a body is one.
// Envelope problems (not an AdmissionReview) are reported as an error for the caller to turn into
// HTTP 400 or exit 2; everything inside a valid envelope is for the engine to judge.
import { isRecord } from '../patches/is-record.js';

export const ADMISSION_API_VERSIONS = ['admission.k8s.io/v1', 'admission.k8s.io/v1beta1'] as const;

export interface GroupVersionKind {
  group?: string;
  version?: string;
  kind?: string;
}

export interface AdmissionRequest {
  uid: string;
  kind?: GroupVersionKind;
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation?: string;
  object?: unknown;
  oldObject?: unknown;
  dryRun?: boolean;
  [k: string]: unknown;
}

export interface AdmissionReviewRequest {
  apiVersion: string;
  kind: 'AdmissionReview';
  request: AdmissionRequest;
}

export interface AdmissionStatus {
  metadata: Record<string, never>;
  status: 'Failure';
  message: string;
  reason: string;
  code: number;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  patch?: string;
  patchType?: 'JSONPatch';
  status?: AdmissionStatus;
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: string;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

export type ParsedReview =
  { ok: true; review: AdmissionReviewRequest } | { ok: false; error: string };

export function isAdmissionApiVersion(v: unknown): v is (typeof ADMISSION_API_VERSIONS)[number] {
  return ADMISSION_API_VERSIONS.includes(v as never);
}

/** What is wrong with the review's own apiVersion and kind, if anything. */
function headerError(body: Record<string, unknown>): string | undefined {
  const { apiVersion, kind } = body;
  if (apiVersion !== undefined && !isAdmissionApiVersion(apiVersion)) {
    return `unsupported apiVersion ${JSON.stringify(apiVersion)}: expected ${ADMISSION_API_VERSIONS.join(' or ')}`;
  }
  if (kind !== undefined && kind !== 'AdmissionReview') {
    return `kind is ${JSON.stringify(kind)}: expected "AdmissionReview"`;
  }
  return undefined;
}

/** What is wrong with request's fields the envelope relies on, if anything. */
function requestError(request: Record<string, unknown>): string | undefined {
  if (typeof request.uid !== 'string' || request.uid === '') {
    return 'AdmissionReview request has no uid (expected a non-empty string)';
  }
  const notString = (['namespace', 'operation', 'name'] as const).find(
    (f) => request[f] !== undefined && typeof request[f] !== 'string',
  );
  if (notString !== undefined) return `AdmissionReview request.${notString} must be a string`;
  if (request.kind !== undefined && !isRecord(request.kind)) {
    return 'AdmissionReview request.kind must be an object (group, version, kind)';
  }
  return undefined;
}

/** Checks the envelope only; the object inside is judged by the engine. */
export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isRecord(body)) {
    return { ok: false, error: 'body is not a JSON object: expected an AdmissionReview' };
  }
  const header = headerError(body);
  if (header !== undefined) return { ok: false, error: header };
  const { request } = body;
  if (!isRecord(request)) return { ok: false, error: 'AdmissionReview has no request object' };
  const error = requestError(request);
  if (error !== undefined) return { ok: false, error };
  return {
    ok: true,
    review: {
      apiVersion: typeof body.apiVersion === 'string' ? body.apiVersion : ADMISSION_API_VERSIONS[0],
      kind: 'AdmissionReview',
      request: request as AdmissionRequest,
    },
  };
}

/** request.namespace; pods from controllers have none in metadata, CLI-made reviews may lack it. */
export function requestNamespace(request: AdmissionRequest): string {
  const meta =
    isRecord(request.object) && isRecord(request.object.metadata) ? request.object.metadata : {};
  return request.namespace ?? (typeof meta.namespace === 'string' ? meta.namespace : '');
}
