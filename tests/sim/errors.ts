/** Sora's error envelope and the errors the simulator answers with. */

export interface ErrorBody {
  message: string;
  type: string;
  param: string | null;
  code: string | null;
  details?: Record<string, unknown>;
}

/** Thrown by handlers; the app turns it into `{"error":{…}}` with the status and headers. */
export class SimHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: ErrorBody,
    readonly headers: Record<string, string> = {},
  ) {
    super(body.message);
    this.name = 'SimHttpError';
  }
}

const err = (
  status: number,
  code: string | null,
  message: string,
  extra: { type?: string; param?: string | null; details?: Record<string, unknown> } = {},
  headers: Record<string, string> = {},
) =>
  new SimHttpError(
    status,
    {
      message,
      type: extra.type ?? (status >= 500 ? 'server_error' : 'invalid_request_error'),
      param: extra.param ?? null,
      code,
      ...(extra.details ? { details: extra.details } : {}),
    },
    headers,
  );

export const SENTINEL_MESSAGE =
  "Hmmm something didn't look right with your request. Please try again later or visit " +
  'https://help.openai.com if this issue persists.';
export const HEAVY_LOAD_MESSAGE = "We're under heavy load, please try again later.";

export const errors = {
  missingBearer: () => err(401, null, 'Missing bearer authentication in header'),
  unparsableToken: () =>
    err(401, null, 'Could not parse your authentication token. Please try signing in again.'),
  tokenExpired: () =>
    err(401, 'token_expired', 'Your authentication token has expired. Please try signing in again.'),
  tokenInvalidated: () =>
    err(
      401,
      'token_invalidated',
      'Your authentication token has been invalidated. Please try signing in again.',
    ),
  sentinelBlock: () => err(400, 'sentinel_block', SENTINEL_MESSAGE),
  tooManyConcurrent: (numTasks: number) =>
    err(429, 'too_many_concurrent_tasks', `You already have ${numTasks} generations in progress`, {
      details: { num_tasks: numTasks },
    }),
  rateLimitExhausted: () =>
    err(
      429,
      'rate_limit_exhausted',
      "You've reached your video generation limit for now. Please try again later.",
      { type: 'rate_limit_error' },
    ),
  rateLimited: (retryAfterSec: number) =>
    err(
      429,
      'rate_limited',
      'Too many requests, please slow down.',
      { type: 'rate_limit_error' },
      {
        'retry-after': String(retryAfterSec),
      },
    ),
  heavyLoad: () => err(503, 'heavy_load', HEAVY_LOAD_MESSAGE, { type: 'server_error' }),
  serverError: () =>
    err(500, null, 'The server had an error while processing your request. Sorry about that!'),
  unsupportedCountry: (country: string) =>
    err(403, 'unsupported_country_code', 'Sora is not available in your country, region or territory.', {
      type: 'request_forbidden',
      param: country,
    }),
  notFound: (what = 'Resource') => err(404, 'not_found', `${what} not found.`),
  forbidden: (message: string) => err(403, 'forbidden', message, { type: 'request_forbidden' }),
  invalid: (param: string, message: string, code = 'invalid_value') => err(400, code, message, { param }),
  invalidJson: () => err(400, 'invalid_json', 'The request body is not valid JSON.'),
  proRequired: (param: string) =>
    err(400, 'pro_required', 'This option needs a ChatGPT Pro subscription.', { param }),
  conflict: (param: string, message: string, code: string) => err(409, code, message, { param }),
} as const;

/**
 * A dropped connection. In process, `app.fetch` rejects with it, shaped like undici's network failure
 * (`TypeError: fetch failed`, `cause.code` ECONNRESET); the HTTPS server destroys the socket instead.
 */
export class SimDropError extends TypeError {
  readonly simDrop = true;
  /**
   * @param answeredStatus set when the backend handled the request (`answer_lost`): the status its answer had
   */
  constructor(readonly answeredStatus: number | null = null) {
    super('fetch failed', {
      cause: Object.assign(new Error('sim: connection dropped by fault'), { code: 'ECONNRESET' }),
    });
    this.name = 'TypeError';
  }
}

export function isSimDrop(e: unknown): e is SimDropError {
  return e instanceof SimDropError;
}
