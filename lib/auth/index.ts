export {
  type CookieChangeLike,
  type CookieChangeListener,
  type CookieLike,
  type CookiesLike,
  cookieAppliesToSora,
  hasSessionCookie,
  isSessionCookieName,
  readDeviceId,
} from './cookies';
export { createDeviceIdSource } from './device';
export {
  type Auth,
  type AuthDeps,
  type AuthState,
  type AuthStatus,
  createAuth,
  DEFAULT_REFRESH_SKEW_MS,
  type GetTokenOptions,
  type SessionResponse,
} from './session';
export {
  createSessionStore,
  type SessionStore,
  type StoredSession,
} from './store';
