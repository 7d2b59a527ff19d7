// The request body's text as received, kept beside the parsed JSON: the answer cache keys on it
// (see review-key.ts), which is far cheaper than serialising the parsed pod again.
import type { FastifyRequest } from 'fastify';

type JsonParser = (
  req: FastifyRequest,
  body: string,
  done: (err: Error | null, body?: unknown) => void,
) => void;

export interface RawBodies {
  /** Wraps Fastify's JSON parser (parseAs: 'string') so the text stays available to the route. */
  readonly keep: (parse: JsonParser) => JsonParser;
  readonly of: (req: FastifyRequest) => string | undefined;
}

/** One per app; entries go with their request. */
export function rawBodies(): RawBodies {
  const texts = new WeakMap<FastifyRequest, string>();
  return {
    keep: (parse) => (req, body, done) => {
      texts.set(req, body);
      parse(req, body, done);
    },
    of: (req) => texts.get(req),
  };
}
