/**
 * English UI strings: the reference catalogue. Every other locale must have exactly these keys
 * (lib/i18n/zh_CN.ts is typed against this object, so a missing key fails `tsc`).
 * `{name}` placeholders are filled by `t(key, {name: …})`.
 */
export const en = {
  'app.name': 'Companion for Sora',
  'common.refresh': 'Refresh',
  'common.refreshing': 'Refreshing…',
  'common.retry': 'Try again',
  'common.loading': 'Loading…',
  'account.signedInAs': 'Signed in as {email}',
  'account.plan': 'Plan',
  'account.planFree': 'Free',
  'account.planRenews': 'Renews {date}',
  'account.planEnds': 'Ends {date}',
  'account.videosLeft': 'Videos left',
  'account.videosLeftCount': '{count} left',
  'account.limitReached': 'Daily limit reached',
  'account.resetsIn': 'Resets in {time}',
  'account.resetsSoon': 'Resets any moment now',
  'account.updated': 'Updated {time}',
  'account.stale': 'Showing figures from {time}',
  'auth.loggedOutTitle': 'Not logged in to Sora',
  'auth.loggedOutBody':
    'Log in at sora.chatgpt.com in this browser; the extension picks up your session by itself.',
  'auth.logIn': 'Log in to Sora',
  'popup.openSidePanel': 'Open side panel',
  'nav.account': 'Account',
  'nav.label': 'Sections',
  'error.auth_expired': 'Your Sora session has expired. Log in again at sora.chatgpt.com.',
  'error.logged_out': 'You are logged out of Sora.',
  'error.sentinel_rejected':
    'Sora refused the request as suspicious. Open sora.chatgpt.com once, then try again.',
  'error.too_many_concurrent': 'Sora is already running the most generations your account allows at once.',
  'error.daily_limit': 'You have used today’s allowance of videos.',
  'error.rate_limited': 'Sora asked us to slow down. Retrying shortly.',
  'error.heavy_load': 'Sora is under heavy load. Retrying shortly.',
  'error.server_error': 'Sora had a server error. Retrying shortly.',
  'error.unsupported_country': 'Sora is not available in your country or region ({param}).',
  'error.cloudflare_challenge': 'Sora wants to check your browser. Open sora.chatgpt.com once, then refresh.',
  'error.not_found': 'Sora could not find that item.',
  'error.bad_request': 'Sora refused the request: {message}',
  'error.policy_violation': 'Sora refused this content: {message}',
  'error.network': 'Can’t reach Sora. Check your connection.',
  'error.timeout': 'Sora took too long to answer.',
  'error.bad_response': 'Sora sent an answer we could not read.',
  'error.aborted': 'Canceled.',
  'error.openSora': 'Open sora.chatgpt.com',
} as const;

export type MessageKey = keyof typeof en;
