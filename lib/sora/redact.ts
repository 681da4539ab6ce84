/**
 * Takes secrets out of text a server sent back before it becomes part of an error (message, param, code),
 * which may reach a page, a log, a stored job's `lastError` or an export. A service that echoes a request
 * rarely echoes it whole: it truncates, quotes or splits it, so a whole-token match is not enough.
 * Two rules:
 * - any run of at least {@link MIN_ECHO} characters that also occurs in a known secret (the access token of
 *   the call) is replaced, however it is cut;
 * - anything that looks like a JWT (`eyJ…`, a base64url JSON header), known or not, is replaced.
 */

export const REDACTED = '[redacted]';

/** The shortest run of a secret that counts as an echo: long enough not to hit ordinary words. */
export const MIN_ECHO = 16;

/** `eyJ` is `{"` in base64url: a JWT header, with its payload and signature when present. */
const JWT_RUN = /eyJ[A-Za-z0-9_-]{5,}(?:\.[A-Za-z0-9_-]*){0,2}/g;

/** Replaces every run of ≥ MIN_ECHO characters of `secret` found in `text`. */
function redactEchoes(text: string, secret: string): string {
  if (secret.length < MIN_ECHO || text.length < MIN_ECHO) return text;
  const grams = new Set<string>();
  for (let i = 0; i + MIN_ECHO <= secret.length; i++) grams.add(secret.slice(i, i + MIN_ECHO));
  let out = '';
  let i = 0;
  while (i < text.length) {
    if (i + MIN_ECHO <= text.length && grams.has(text.slice(i, i + MIN_ECHO))) {
      // Grow the run as far as it still occurs in the secret.
      let end = i + MIN_ECHO;
      while (end < text.length && secret.includes(text.slice(i, end + 1))) end++;
      out += REDACTED;
      i = end;
    } else {
      out += text[i];
      i++;
    }
  }
  return out;
}

/** `text` with every echo of the given secrets and every JWT-looking run replaced by {@link REDACTED}. */
export function redactSecrets(text: string, secrets: readonly (string | null | undefined)[] = []): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret) continue;
    out = out.split(secret).join(REDACTED);
    out = redactEchoes(out, secret);
  }
  return out.replace(JWT_RUN, REDACTED);
}
