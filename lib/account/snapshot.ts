/**
 * Turns Sora's three account answers (/me, /billing/subscriptions, /nf/check) into the one snapshot the
 * popup shows. The odd shapes NOTES.md warns about (end_ts as string or number, empty data for free
 * accounts) are handled once, in lib/sora (summarizePlan, toQuotaSnapshot).
 */

import { summarizePlan } from '../sora/endpoints/account';
import type { SerializedError } from '../sora/errors';
import { toQuotaSnapshot } from '../sora/quota';
import type { MeResponse, RateLimitAndCreditBalance, SubscriptionsResponse } from '../sora/schemas';

export interface PlanInfo {
  id: string;
  title: string;
  isPro: boolean;
  /** Renewal or end date, epoch ms, when Sora gives one. */
  endsAt?: number;
}

export interface QuotaInfo {
  remaining: number;
  rateLimitReached: boolean;
  /** Epoch ms when the rolling allowance resets (now + access_resets_in_seconds at fetch time). */
  resetsAt?: number;
}

/** What the popup shows; cached in storage.local (it holds no secret) so the popup paints at once. */
export interface AccountSnapshot {
  status: 'ok' | 'logged_out' | 'error';
  email?: string;
  name?: string;
  username?: string;
  plan?: PlanInfo | null;
  quota?: QuotaInfo | null;
  /** Epoch ms of the last successful read. */
  fetchedAt?: number;
  /** Set when the last refresh failed; the figures above are then the last known ones. */
  error?: SerializedError;
}

/** No figure at all is shown as "unknown", never as 0 videos left. */
export function toQuota(
  balance: RateLimitAndCreditBalance | null | undefined,
  now: number,
): QuotaInfo | null {
  if (!balance || typeof balance.estimated_num_videos_remaining !== 'number') return null;
  return toQuotaSnapshot(balance, now);
}

export function toSnapshot(
  me: MeResponse,
  subs: SubscriptionsResponse,
  balance: RateLimitAndCreditBalance | null | undefined,
  now: number,
): AccountSnapshot {
  return {
    status: 'ok',
    email: me.email ?? undefined,
    name: me.name ?? undefined,
    username: me.username ?? undefined,
    plan: summarizePlan(subs),
    quota: toQuota(balance, now),
    fetchedAt: now,
  };
}
