// Turns every error Fastify raises before or around a handler into a small JSON reply with a
// message a person can act on; nothing reaches the client as a bare 500 or a dropped socket.
import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from './logger.js';
import { withoutJsonExcerpt } from './redact.js';

export interface ErrorBody {
  readonly statusCode: number;
  readonly error: string;
  readonly message: string;
}

export function errorBody(statusCode: number, message: string): ErrorBody {
  return { statusCode, error: STATUS_CODES[statusCode] ?? 'Error', message };
}

function describe(err: FastifyError, req: FastifyRequest, bodyLimit: number): string {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return `Invalid content-type: ${JSON.stringify(req.headers['content-type'] ?? '')}: expected application/json`;
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return `request body is larger than ${bodyLimit} bytes`;
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'Empty request body';
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return `error decoding admission request: ${withoutJsonExcerpt(err.message)}`;
    default:
      // JSON.parse errors from the body parser arrive as SyntaxError with statusCode 400; their
      // message quotes part of the body, which may be an annotation value.
      return err instanceof SyntaxError
        ? `error decoding admission request: ${withoutJsonExcerpt(err.message)}`
        : err.message;
  }
}

export function createErrorHandler(
  logger: Logger,
  bodyLimit: number,
): (err: FastifyError, req: FastifyRequest, reply: FastifyReply) => void {
  return (err, req, reply) => {
    const status = err.statusCode !== undefined && err.statusCode >= 400 ? err.statusCode : 500;
    if (status >= 500) {
      logger.error({ err, method: req.method, url: req.url }, 'request failed');
      void reply.code(500).send(errorBody(500, 'internal error'));
      return;
    }
    const message = describe(err, req, bodyLimit);
    // At info: a client sending the wrong content type or a broken body is the operator's to see.
    logger.info({ status, method: req.method, url: req.url, reason: message }, 'request rejected');
    void reply.code(status).send(errorBody(status, message));
  };
}
