// V8's JSON.parse messages quote the text around the error, e.g.
//   Unexpected token 'h', ..."tok": hvs.CAES"... is not valid JSON
// That text comes from a request body or an annotation value, either of which may hold a Vault
// token or a secret template, so it is cut from any message that is logged or echoed back.
const QUOTED_JSON_TEXT =
  /(?:Unexpected token '.+?', )?(?:\.\.\.)?".*"(?:\.\.\.)? is not valid JSON/su;

/** `message` without the excerpt of JSON text V8 puts in parse errors; other messages unchanged. */
export function withoutJsonExcerpt(message: string): string {
  return message.replace(QUOTED_JSON_TEXT, 'not valid JSON (excerpt withheld)');
}
