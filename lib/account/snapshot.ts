/**
 * Turns Sora's three account answers (/me, /billing/subscriptions, /nf/check) into the one snapshot the
 * popup shows. The odd shapes NOTES.md warns about (end_ts as string or number, empty data for free
 * accounts) are handled once, in lib/sora (summarizePlan, toQuotaSnapshot).
 */

import type { AccountSnapshot, QuotaInfo } from '../messaging/protocol';
import { summarizePlan } from '../sora/endpoints/account';
import { toQuotaSnapshot } from '../sora/quota';
import type { MeResponse, RateLimitAndCreditBalance, SubscriptionsResponse } from '../sora/schemas';

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
