// Glue between HTTP and the engine: body → reviewAdmission (the same path as `vault-injector
// review`) → status + body, metrics and the decision log. Never throws.
import {
  ADMISSION_API_VERSIONS,
  parseAdmissionReview,
  requestNamespace,
  answerReview,
  summarize,
} from '../patches/admission-review.js';
import type { AdmissionReviewResponse } from '../patches/admission-review.js';
import type { InjectorConfig } from '../patches/injector-config.js';
import type { InjectionOutcome } from '../patches/outcome.js';
import { logDecision } from './decision-log.js';
import { errorBody, type ErrorBody } from './errors.js';
import type { Logger } from './logger.js';
import type { InjectorMetrics } from './metrics.js';
import type { ReviewCache } from './review-cache.js';

export interface AdmitDeps {
  readonly injector: InjectorConfig;
  readonly metrics: InjectorMetrics;
  /** The "admission" component logger. */
  readonly logger: Logger;
  /** Answers for reviews seen before; none in tests that want every call to reach the engine. */
  readonly cache?: ReviewCache;
}

export type AdmitResult =
  /** A Buffer body is an already serialised AdmissionReview (from the cache). */
  | { readonly statusCode: 200; readonly body: AdmissionReviewResponse | string | Buffer }
  | { readonly statusCode: 400 | 500; readonly body: ErrorBody };

function recordOutcome(metrics: InjectorMetrics, namespace: string, o: InjectionOutcome): void {
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

/** A bug must not drop the request: answer a denial the API server can show, with the uid. */
function internalFailure(body: unknown, err: unknown, deps: AdmitDeps): AdmitResult {
  const uid = field(body, 'request', 'uid');
  const namespace = field(body, 'request', 'namespace');
  deps.logger.error({ err, uid }, 'admission failed unexpectedly');
  deps.metrics.failedInjections.inc({ namespace: typeof namespace === 'string' ? namespace : '' });
  if (typeof uid !== 'string' || uid === '') {
    return { statusCode: 500, body: errorBody(500, 'internal error') };
  }
  const apiVersion = field(body, 'apiVersion');
  const message = `internal error in vault-injector: ${err instanceof Error ? err.message : String(err)}`;
  return {
    statusCode: 200,
    body: {
      apiVersion: ADMISSION_API_VERSIONS.includes(apiVersion as never)
        ? (apiVersion as string)
        : ADMISSION_API_VERSIONS[0],
      kind: 'AdmissionReview',
      response: {
        uid,
        allowed: false,
        status: { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 },
      },
    },
  };
}

export function admit(body: unknown, deps: AdmitDeps): AdmitResult {
  if (body === undefined) return { statusCode: 400, body: errorBody(400, 'Empty request body') };
  const started = performance.now();
  try {
    const parsed = parseAdmissionReview(body);
    if (!parsed.ok) {
      deps.logger.debug({ reason: parsed.error }, 'rejected a body that is not an AdmissionReview');
      return { statusCode: 400, body: errorBody(400, parsed.error) };
    }
    const { request } = parsed.review;
    const key = deps.cache?.keyOf(parsed.review);
    const hit = key !== undefined ? deps.cache?.get(key, request.uid) : undefined;
    if (hit !== undefined) {
      const summary = summarize(request, requestNamespace(request));
      recordOutcome(deps.metrics, summary.namespace, hit.outcome);
      logDecision(deps.logger, summary, hit.outcome, performance.now() - started, request.object);
      return { statusCode: 200, body: hit.payload };
    }
    // The envelope was checked above: go straight to the engine.
    const result = answerReview(parsed.review, deps.injector);
    recordOutcome(deps.metrics, result.summary.namespace, result.outcome);
    logDecision(
      deps.logger,
      result.summary,
      result.outcome,
      performance.now() - started,
      request.object,
    );
    const payload =
      key !== undefined && deps.cache !== undefined
        ? deps.cache.set(key, result.response, result.outcome)
        : result.response;
    return { statusCode: 200, body: payload };
  } catch (err) {
    return internalFailure(body, err, deps);
  }
}
