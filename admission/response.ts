// The engine's outcome as an AdmissionResponse, and the reviews that wrap one: the base64 patch
// only when there is something to change, a denial's status, warnings as kubectl prints them.
import { base64Utf8 } from '../patches/base64.js';
import type { InjectionOutcome } from '../patches/outcome.js';
import { toError } from '../patches/to-error.js';
import {
  ADMISSION_API_VERSIONS,
  isAdmissionApiVersion,
  type AdmissionResponse,
  type AdmissionReviewResponse,
} from './envelope.js';
import { formatProblems, formatWarning, type SettingNamer } from './format-finding.js';

export function toAdmissionResponse(
  uid: string,
  outcome: InjectionOutcome,
  settingName: SettingNamer,
): AdmissionResponse {
  const response: AdmissionResponse = { uid, allowed: outcome.decision !== 'deny' };
  if (outcome.decision === 'inject' && outcome.patch.length > 0) {
    response.patch = base64Utf8(JSON.stringify(outcome.patch));
    response.patchType = 'JSONPatch';
  }
  if (outcome.decision === 'deny') {
    const forbidden = outcome.reason === 'system_namespace';
    response.status = {
      metadata: {},
      status: 'Failure',
      message: formatProblems(outcome.problems, settingName),
      reason: forbidden ? 'Forbidden' : 'BadRequest',
      code: forbidden ? 403 : 400,
    };
  }
  if (outcome.warnings.length > 0) {
    response.warnings = outcome.warnings.map((w) => formatWarning(w, settingName));
  }
  return response;
}

/** Wraps a response in a review echoing the request's apiVersion (v1 when it gave none we know). */
export function toReview(
  apiVersion: unknown,
  response: AdmissionResponse,
): AdmissionReviewResponse {
  return {
    apiVersion: isAdmissionApiVersion(apiVersion) ? apiVersion : ADMISSION_API_VERSIONS[0],
    kind: 'AdmissionReview',
    response,
  };
}

/** How an internal error (a bug, never the request's fault) is worded for the API server's user. */
export function internalErrorMessage(err: unknown): string {
  return `internal error in vault-injector: ${toError(err).message}`;
}

/**
 * The answer to a request the injector failed on, whatever threw: a denial with status
 * `InternalError` (code 500) and the uid, so the API server shows why (a webhook that answers HTTP
 * 500 is a failed call, which failurePolicy Ignore turns into a pod admitted without its agent).
 */
export function internalErrorReview(
  apiVersion: unknown,
  uid: string,
  err: unknown,
): AdmissionReviewResponse {
  const message = internalErrorMessage(err);
  return toReview(apiVersion, {
    uid,
    allowed: false,
    status: { metadata: {}, status: 'Failure', message, reason: 'InternalError', code: 500 },
  });
}
