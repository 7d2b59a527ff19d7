// The Fastify instance type used across webhook/: always HTTPS (tests use inject()).
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyBaseLogger, FastifyInstance, RawServerDefault } from 'fastify';

export type App = FastifyInstance<
  HttpsServer | RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger
>;
