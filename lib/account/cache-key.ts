/** storage.local key of the cached AccountSnapshot (read by pages directly for an instant first paint). */
export const ACCOUNT_CACHE_KEY = 'account.snapshot';
