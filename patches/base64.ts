// Standard base64 of a string's UTF-8 bytes. For ASCII text (nearly every patch and agent config)
// btoa gives the same bytes without a Buffer: half the time and no pooled ArrayBuffer churn.
export function base64Utf8(text: string): string {
  return Buffer.byteLength(text) === text.length
    ? btoa(text)
    : Buffer.from(text).toString('base64');
}
