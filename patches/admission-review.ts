// AdmissionReview v1/v1beta1 in and out, shared by `POST /mutate` and `vault-injector review` so the
// two can never disagree. Envelope problems (not an AdmissionReview) are reported as an error for
// the caller to turn into HTTP 400 / exit 2; everything inside a valid envelope gets a response.
import { isRecord } from './is-record.js';
import type { InjectorConfig } from './injector-config.js';
import type { InjectionOutcome } from './outcome.js';
import { inject } from './inject.js';

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

/** Who the request was about, for logs: never includes annotation values. */
export interface RequestSummary {
  uid: string;
  namespace: string;
  /** metadata.name, or generateName for pods from controllers. */
  name: string;
  ownerKind: string;
  operation: string;
}

export type ParsedReview =
  { ok: true; review: AdmissionReviewRequest } | { ok: false; error: string };

export type ReviewResult =
  | {
      ok: true;
      response: AdmissionReviewResponse;
      outcome: InjectionOutcome;
      summary: RequestSummary;
    }
  | { ok: false; error: string };

/** Checks the envelope only; the object inside is judged by the engine. */
export function parseAdmissionReview(body: unknown): ParsedReview {
  if (!isRecord(body)) {
    return { ok: false, error: 'body is not a JSON object: expected an AdmissionReview' };
  }
  const { apiVersion, kind, request } = body;
  if (apiVersion !== undefined && !ADMISSION_API_VERSIONS.includes(apiVersion as never)) {
    return {
      ok: false,
      error: `unsupported apiVersion ${JSON.stringify(apiVersion)}: expected ${ADMISSION_API_VERSIONS.join(' or ')}`,
    };
  }
  if (kind !== undefined && kind !== 'AdmissionReview') {
    return { ok: false, error: `kind is ${JSON.stringify(kind)}: expected "AdmissionReview"` };
  }
  if (!isRecord(request)) {
    return { ok: false, error: 'AdmissionReview has no request object' };
  }
  if (typeof request.uid !== 'string' || request.uid === '') {
    return { ok: false, error: 'AdmissionReview request has no uid (expected a non-empty string)' };
  }
  for (const field of ['namespace', 'operation', 'name'] as const) {
    if (request[field] !== undefined && typeof request[field] !== 'string') {
      return { ok: false, error: `AdmissionReview request.${field} must be a string` };
    }
  }
  if (request.kind !== undefined && !isRecord(request.kind)) {
    return {
      ok: false,
      error: 'AdmissionReview request.kind must be an object (group, version, kind)',
    };
  }
  return {
    ok: true,
    review: {
      apiVersion: typeof apiVersion === 'string' ? apiVersion : ADMISSION_API_VERSIONS[0],
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

/** Builds the AdmissionResponse for an outcome: base64 patch only when there is something to change. */
export function toAdmissionResponse(uid: string, outcome: InjectionOutcome): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: outcome.decision !== 'deny' };
  if (outcome.decision === 'inject' && outcome.patch.length > 0) {
    response.patch = Buffer.from(JSON.stringify(outcome.patch)).toString('base64');
    response.patchType = 'JSONPatch';
  }
  if (outcome.decision === 'deny') {
    const forbidden = outcome.reason === 'system_namespace';
    response.status = {
      metadata: {},
      status: 'Failure',
      message: outcome.message,
      reason: forbidden ? 'Forbidden' : 'BadRequest',
      code: forbidden ? 403 : 400,
    };
  }
  if (outcome.warnings.length > 0) response.warnings = [...outcome.warnings];
  return response;
}

/** The whole admission path: envelope → engine → response envelope echoing apiVersion and uid. */
export function reviewAdmission(body: unknown, cfg: InjectorConfig): ReviewResult {
  const parsed = parseAdmissionReview(body);
  if (!parsed.ok) return parsed;
  return answerReview(parsed.review, cfg);
}

/** The engine's answer to an envelope parseAdmissionReview has already accepted. */
export function answerReview(
  review: AdmissionReviewRequest,
  cfg: InjectorConfig,
): Extract<ReviewResult, { ok: true }> {
  const { request } = review;
  const namespace = requestNamespace(request);
  const outcome = inject(request.object, {
    namespace,
    kind: request.kind?.kind,
    operation: request.operation,
    config: cfg,
  });
  return {
    ok: true,
    outcome,
    summary: summarize(request, namespace),
    response: {
      apiVersion: review.apiVersion,
      kind: 'AdmissionReview',
      response: toAdmissionResponse(request.uid, outcome),
    },
  };
}
