/**
 * The optional parse service the user may run or trust: `POST {base}/get-sora-link` with `{url}` (the share
 * link) → `{download_link}` or `{error}`. It receives the share link and nothing else: never a token.
 */

export class ParseServiceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ParseServiceError';
  }
}

export const PARSE_SERVICE_TIMEOUT_MS = 30_000;

/** The endpoint for a configured base URL (a trailing slash or a full `/get-sora-link` both work). */
export function parseServiceEndpoint(base: string): string {
  const trimmed = base.trim().replace(/\/+$/, '');
  return trimmed.endsWith('/get-sora-link') ? trimmed : `${trimmed}/get-sora-link`;
}

function httpsUrl(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  try {
    return new URL(value).protocol === 'https:' ? value : null;
  } catch {
    return null;
  }
}

/** The clean download link for a share link. Throws ParseServiceError with the service's reason. */
export async function askParseService(
  fetchFn: typeof fetch,
  base: string,
  shareUrl: string,
  timeoutMs = PARSE_SERVICE_TIMEOUT_MS,
): Promise<string> {
  const endpoint = parseServiceEndpoint(base);
  if (httpsUrl(endpoint) === null)
    throw new ParseServiceError('The parse service URL must start with https://.');
  let res: Response;
  try {
    res = await fetchFn(endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: shareUrl }),
      credentials: 'omit',
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    throw new ParseServiceError(`The parse service did not answer (${e instanceof Error ? e.message : e}).`);
  }
  let body: unknown;
  try {
    body = await res.json();
  } catch {
    throw new ParseServiceError(`The parse service answered ${res.status} without JSON.`);
  }
  const record = typeof body === 'object' && body !== null ? (body as Record<string, unknown>) : {};
  const link = httpsUrl(record.download_link);
  if (res.ok && link !== null) return link;
  const reason =
    typeof record.error === 'string' && record.error !== '' ? record.error : `HTTP ${res.status}`;
  throw new ParseServiceError(`The parse service found no file: ${reason}`);
}
