/**
 * Every Sora URL the extension knows lives here, so a moved or revived backend is a one-file edit.
 * Tests reach the simulator through these same hosts (Chromium's --host-resolver-rules), never through
 * a different URL.
 */
export const SORA_ORIGIN = 'https://sora.chatgpt.com';
export const BACKEND_BASE = `${SORA_ORIGIN}/backend`;
export const SESSION_URL = `${SORA_ORIGIN}/api/auth/session`;
export const OAUTH_TOKEN_URL = 'https://auth.openai.com/oauth/token';
export const MEDIA_ORIGIN = 'https://videos.openai.com';

export const SESSION_COOKIE = '__Secure-next-auth.session-token';
export const DEVICE_ID_COOKIE = 'oai-did';

/** The share link of a post (`s_…`). */
export const postUrl = (postId: string) => `${SORA_ORIGIN}/p/${postId}`;

/** Default time a single backend call may take before it counts as a timeout. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** The refresh-token grant of the reference (`POST OAUTH_TOKEN_URL`): the ChatGPT iOS app's client. */
export const OAUTH_CLIENT_ID = 'app_LlGpXReQgckcGGUo2JrYvtJK';
export const OAUTH_REDIRECT_URI = 'com.openai.chat://auth0.openai.com/ios/com.openai.chat/callback';

/** OpenAI's sentinel service (NOTES.md, *Sentinel token*): the requirements exchange of hand-made tokens. */
export const SENTINEL_ORIGIN = 'https://chatgpt.com';
/** The host permission (wxt.config.ts) the hand-made tokens need; the user may withhold it. */
export const SENTINEL_HOST_PATTERN = `${SENTINEL_ORIGIN}/*`;
export const SENTINEL_REQUIREMENTS_URL = `${SENTINEL_ORIGIN}/backend-api/sentinel/req`;
/** The SDK the sora.chatgpt.com page loads; hand-made fingerprints name it as their script. */
export const SENTINEL_SDK_URL = `${SENTINEL_ORIGIN}/backend-api/sentinel/sdk.js`;
/** The flow of the requirements exchange itself. */
export const SENTINEL_INIT_FLOW = 'sora_init';

/**
 * Where Sora's media lives (NOTES.md "Video generation": "Media URLs live on videos.openai.com"): the only
 * hosts an original, a post attachment or a preview is fetched, HEAD-checked or downloaded from without
 * asking. Exact host names over `https:` only; no subdomain rule, because NOTES.md names no other host and a
 * wildcard would let any `*.openai.com` page through. A parse service's link on any other host waits until
 * the user confirms that host (lib/sora/media-hosts.ts).
 */
export const MEDIA_HOSTS: readonly string[] = [new URL(MEDIA_ORIGIN).hostname];
