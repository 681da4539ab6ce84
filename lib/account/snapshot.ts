/**
 * Turns Sora's three account answers (/me, /billing/subscriptions, /nf/check) into the one snapshot the
 * popup shows. Pure, so the odd shapes NOTES.md warns about (end_ts as string or number, empty data for
 * free accounts) are tested in one place.
 */
import type { AccountSnapshot, PlanInfo, QuotaInfo } from '../messaging/protocol';

export interface MeLike {
  email?: string | null;
  name?: string | null;
  username?: string | null;
}
export interface SubscriptionsLike {
  data?: Array<{
    plan?: { id?: string | null; title?: string | null } | null;
    end_ts?: string | number | null;
  }> | null;
}
export interface QuotaLike {
  estimated_num_videos_remaining?: number | null;
  rate_limit_reached?: boolean | null;
  access_resets_in_seconds?: number | null;
}

export const PRO_PLAN_ID = 'chatgpt_pro';

/** end_ts comes as RFC 3339 text or as an epoch number (seconds, or ms from some clients). */
export function parseEndTs(value: string | number | null | undefined): number | undefined {
  if (value === null || value === undefined || value === '') return undefined;
  if (typeof value === 'number') return value < 1e12 ? value * 1000 : value;
  const asNumber = Number(value);
  if (Number.isFinite(asNumber)) return parseEndTs(asNumber);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}

export function toPlan(subs: SubscriptionsLike): PlanInfo | null {
  const first = subs.data?.find((s) => s.plan?.id);
  if (!first?.plan?.id) return null;
  const id = first.plan.id;
  return {
    id,
    title: first.plan.title || id,
    isPro: id === PRO_PLAN_ID,
    endsAt: parseEndTs(first.end_ts),
  };
}

export function toQuota(q: QuotaLike | null | undefined, now: number): QuotaInfo | null {
  if (!q || typeof q.estimated_num_videos_remaining !== 'number') return null;
  const resetsIn = q.access_resets_in_seconds;
  return {
    remaining: q.estimated_num_videos_remaining,
    rateLimitReached: q.rate_limit_reached === true,
    resetsAt: typeof resetsIn === 'number' && resetsIn >= 0 ? now + resetsIn * 1000 : undefined,
  };
}

export function toSnapshot(
  me: MeLike,
  subs: SubscriptionsLike,
  quota: QuotaLike,
  now: number,
): AccountSnapshot {
  return {
    status: 'ok',
    email: me.email ?? undefined,
    name: me.name ?? undefined,
    username: me.username ?? undefined,
    plan: toPlan(subs),
    quota: toQuota(quota, now),
    fetchedAt: now,
  };
}
