// The whole admission path, shared by `POST /mutate` and `vault-injector review` so the two can
// never disagree: envelope → the admitted pod → engine → response envelope echoing apiVersion and
// uid.
import type { InjectorConfig } from '../patches/injector-config.js';
import type { InjectionOutcome } from '../patches/outcome.js';
import { admittedFromRequest, engineOutcome } from './admitted-pod.js';
import {
  parseAdmissionReview,
  type AdmissionReviewRequest,
  type AdmissionReviewResponse,
} from './envelope.js';
import type { SettingNamer } from './format-finding.js';
import { toAdmissionResponse, toReview } from './response.js';
import { summarize, type RequestSummary } from './summary.js';

/** What the admission path needs besides the review: the injector's settings and their names. */
export interface AdmissionContext {
  readonly config: InjectorConfig;
  readonly settingName: SettingNamer;
}

export interface AnsweredReview {
  readonly ok: true;
  readonly response: AdmissionReviewResponse;
  readonly outcome: InjectionOutcome;
  readonly summary: RequestSummary;
}

export type ReviewResult = AnsweredReview | { ok: false; error: string };

/** The engine's answer to an envelope parseAdmissionReview has already accepted. */
export function answerReview(
  review: AdmissionReviewRequest,
  ctx: AdmissionContext,
): AnsweredReview {
  const { request } = review;
  const admitted = admittedFromRequest(request);
  const outcome = engineOutcome(admitted, ctx.config);
  const response = toAdmissionResponse(request.uid, outcome, ctx.settingName);
  return {
    ok: true,
    outcome,
    summary: summarize(request, admitted.namespace),
    response: toReview(review.apiVersion, response),
  };
}

export function reviewAdmission(body: unknown, ctx: AdmissionContext): ReviewResult {
  const parsed = parseAdmissionReview(body);
  if (!parsed.ok) return parsed;
  return answerReview(parsed.review, ctx);
}
