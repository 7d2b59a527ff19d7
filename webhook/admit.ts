// Glue between HTTP and the admission path: body → answerReview (the same path as `vault-injector
// review`) → status + body, metrics and the decision log. Never throws.
import type { SettingNamer } from '../admission/format-finding.js';
import { parseAdmissionReview, requestNamespace } from '../admission/envelope.js';
import type {
  AdmissionRequest,
  AdmissionReviewRequest,
  AdmissionReviewResponse,
} from '../admission/envelope.js';
import { internalErrorReview } from '../admission/response.js';
import { answerReview } from '../admission/review.js';
import { summarize } from '../admission/summary.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import { toError } from '../patches/to-error.js';
import {
  logDecision,
  verdictOf,
  type LoggedDecision,
  type OutcomeVerdict,
} from './decision-log.js';
import { errorBody, type ErrorBody } from './errors.js';
import type { Logger } from './logger.js';
import type { InjectorMetrics } from './metrics.js';
import type { ReviewCache } from './review-cache.js';
import { reviewKey } from './review-key.js';

export interface AdmitDeps {
  readonly injector: InjectorConfig;
  /** How denials and warnings name an injector setting (its flag). */
  readonly settingName: SettingNamer;
  readonly metrics: InjectorMetrics;
  /** The "admission" component logger. */
  readonly logger: Logger;
  /** Answers for reviews seen before; none in tests that want every call to reach the engine. */
  readonly cache?: ReviewCache;
}

export type AdmitResult =
  /** A Buffer body is an already serialised AdmissionReview (from the cache). */
  | { readonly statusCode: 200; readonly body: AdmissionReviewResponse | Buffer }
  | { readonly statusCode: 400 | 500; readonly body: ErrorBody };

function recordOutcome(metrics: InjectorMetrics, namespace: string, o: OutcomeVerdict): void {
  if (o.decision === 'deny') metrics.failedInjections.inc({ namespace });
  else if (o.decision === 'skip') metrics.skippedRequests.inc({ reason: o.reason });
  else if (o.injectionType !== undefined) {
    metrics.injections.inc({ namespace, injection_type: o.injectionType });
  }
}

function field(body: unknown, ...path: string[]): unknown {
  let v: unknown = body;
  for (const k of path) {
    v = typeof v === 'object' && v !== null ? (v as Record<string, unknown>)[k] : undefined;
  }
  return v;
}

/**
 * The one answer to anything thrown while admitting (an engine bug included): an InternalError
 * review with the uid, the error logged with its stack, counted as an internal error and as a
 * failed injection. Without a uid no review can be answered: HTTP 500.
 */
function internalFailure(body: unknown, thrown: unknown, deps: AdmitDeps): AdmitResult {
  const uid = field(body, 'request', 'uid');
  const namespace = field(body, 'request', 'namespace');
  const err = toError(thrown);
  deps.logger.error({ err, uid }, 'admission failed with an internal error');
  deps.metrics.internalErrors.inc();
  deps.metrics.failedInjections.inc({ namespace: typeof namespace === 'string' ? namespace : '' });
  if (typeof uid !== 'string' || uid === '') {
    return { statusCode: 500, body: errorBody(500, 'internal error') };
  }
  return { statusCode: 200, body: internalErrorReview(field(body, 'apiVersion'), uid, err) };
}

/** Metrics and the decision log line, for answers from the cache and the engine alike. */
function record(deps: AdmitDeps, decision: LoggedDecision, started: number): void {
  recordOutcome(deps.metrics, decision.summary.namespace, decision.outcome);
  logDecision(deps.logger, decision, performance.now() - started, deps.settingName);
}

/** The cache key for this review, when there is a cache and the raw body can be keyed. */
function cacheKey(
  deps: AdmitDeps,
  raw: string | undefined,
  request: AdmissionRequest,
): string | undefined {
  if (deps.cache === undefined || raw === undefined || raw.length > deps.cache.maxBodyLength) {
    return undefined;
  }
  return reviewKey(raw, request.uid, request.object);
}

/** An envelope that has passed parseAdmissionReview: from the cache, else from the engine. */
function answer(
  review: AdmissionReviewRequest,
  deps: AdmitDeps,
  started: number,
  raw: string | undefined,
): AdmitResult {
  const { request } = review;
  const key = cacheKey(deps, raw, request);
  const hit = key !== undefined ? deps.cache?.get(key, request.uid) : undefined;
  if (hit !== undefined) {
    const summary = summarize(request, requestNamespace(request));
    record(deps, { summary, outcome: hit.outcome, object: request.object }, started);
    return { statusCode: 200, body: hit.payload };
  }
  const result = answerReview(review, { config: deps.injector, settingName: deps.settingName });
  record(deps, { ...result, object: request.object }, started);
  if (key !== undefined) deps.cache?.remember(key, result.response, verdictOf(result.outcome));
  return { statusCode: 200, body: result.response };
}

const MAX_LOGGED_REASON = 256;

/** A 400, logged at info with the reason, as the HTTP layer logs its own 400s and 415s. */
function rejected(deps: AdmitDeps, reason: string): AdmitResult {
  // The reason can quote the client's apiVersion or kind: a log line stays a line.
  const logged =
    reason.length > MAX_LOGGED_REASON ? `${reason.slice(0, MAX_LOGGED_REASON)}...` : reason;
  deps.logger.info({ status: 400, reason: logged }, 'request rejected: not an AdmissionReview');
  return { statusCode: 400, body: errorBody(400, reason) };
}

/**
 * `raw` is the body's text as received, which keys the answer cache; without it (the CLI, tests)
 * every review goes to the engine.
 */
export function admit(body: unknown, deps: AdmitDeps, raw?: string): AdmitResult {
  if (body === undefined) return rejected(deps, 'Empty request body');
  const started = performance.now();
  try {
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) return rejected(deps, parsed.error);
    return answer(parsed.review, deps, started, raw);
  } catch (err) {
    return internalFailure(body, err, deps);
  }
}
