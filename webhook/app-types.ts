// The Fastify instance type used across webhook/: always HTTPS (tests use inject()), logging
// through our pino logger.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Server as HttpsServer } from 'node:https';
import type { FastifyInstance } from 'fastify';
import type { Logger } from './logger.js';

export type App = FastifyInstance<HttpsServer, IncomingMessage, ServerResponse, Logger>;
