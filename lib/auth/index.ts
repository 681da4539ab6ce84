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
export { createDeviceIdSource, DEVICE_ID_KEY } from './device';
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
  SESSION_STORE_KEY,
  type SessionStore,
  type StorageAreaLike,
  type StoredSession,
} from './store';
