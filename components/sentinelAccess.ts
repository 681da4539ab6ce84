import { browser } from 'wxt/browser';
import { SENTINEL_HOST_PATTERN } from '../lib/sora/config';

const ORIGINS = [SENTINEL_HOST_PATTERN];

/** Whether the user has left the extension's site access to chatgpt.com on (browsers let them withhold it). */
export async function hasSentinelAccess(): Promise<boolean> {
  try {
    return await browser.permissions.contains({ origins: ORIGINS });
  } catch {
    return false;
  }
}

/**
 * Asks the browser to give back site access to chatgpt.com. Must run in a click handler (a user gesture); the
 * background hears `permissions.onAdded` and resumes the queue.
 */
export async function requestSentinelAccess(): Promise<boolean> {
  try {
    return await browser.permissions.request({ origins: ORIGINS });
  } catch {
    return false;
  }
}
