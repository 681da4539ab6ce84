/**
 * Sora 2 onboarding and the username, as the background runs them: invite code, activation, redeeming a
 * code, username check and set. Sora's expected refusals (a bad code, a taken name) come back as results
 * the UI words itself; only failures the user cannot act on here (network, session, server) are thrown
 * and reach the page as a SerializedError.
 */
import {
  acceptInvite,
  bootstrapSora2,
  checkUsername as checkUsernameEndpoint,
  getInviteMine,
  getMe,
  setUsername as setUsernameEndpoint,
} from '../sora/endpoints';
import { isSoraError, type SoraError } from '../sora/errors';
import type { SoraHttp } from '../sora/http';
import type { AccountSnapshot } from './snapshot';
import { type UsernameProblem, validateInviteCode, validateUsername } from './validate';

export interface InviteInfo {
  code: string;
  redeemed: number;
  total: number;
}

export interface Sora2Status {
  /** From `/me` `is_sora_activated` when Sora sends it; unknown otherwise. */
  activated?: boolean;
  /** The account's own code; null when Sora has none for it (e.g. not activated yet). */
  invite: InviteInfo | null;
}

export interface ActivateResult {
  activated: boolean;
}

export type RedeemResult =
  | { outcome: 'accepted' }
  | { outcome: 'already_accepted' }
  /** `format`: refused before sending; `invalid`: Sora refused the code. */
  | { outcome: 'refused'; reason: 'format' | 'invalid' };

export type UsernameCheckResult =
  | { username: string; status: 'available' | 'taken' }
  | { username: string; status: 'invalid'; problem?: UsernameProblem };

export type SetUsernameResult =
  | { outcome: 'set'; username: string; account?: AccountSnapshot }
  | { outcome: 'taken'; username: string }
  | { outcome: 'invalid'; username: string; problem?: UsernameProblem };

export interface Sora2Deps {
  http: SoraHttp;
  /** Re-reads the account snapshot (and tells open pages) after something changed it. */
  refreshAccount?: () => Promise<AccountSnapshot>;
}

/** Sora's refusal of the request itself (4xx other than auth / rate limits), as opposed to a failure. */
function isRefusal(e: unknown): e is SoraError {
  return isSoraError(e) && (e.code === 'bad_request' || e.code === 'not_found');
}

const serverCodeHas = (e: SoraError, word: string) => (e.serverCode ?? '').toLowerCase().includes(word);

function toInvite(body: {
  invite_code?: string | null;
  redeemed_count?: number | null;
  total_count?: number | null;
}): InviteInfo | null {
  if (!body.invite_code) return null;
  return { code: body.invite_code, redeemed: body.redeemed_count ?? 0, total: body.total_count ?? 0 };
}

export function createSora2Service(deps: Sora2Deps) {
  const { http } = deps;

  async function refreshAccount(): Promise<AccountSnapshot | undefined> {
    // The action already succeeded; a failed re-read must not turn it into an error.
    return deps.refreshAccount?.().catch(() => undefined);
  }

  return {
    async status(): Promise<Sora2Status> {
      const [invite, me] = await Promise.all([
        getInviteMine(http).then(toInvite, (e: unknown) => {
          if (isRefusal(e)) return null;
          throw e;
        }),
        // Only for the activation flag, which /me may not carry at all: never fail the status over it.
        getMe(http).catch(() => undefined),
      ]);
      const flag = (me as { is_sora_activated?: unknown } | undefined)?.is_sora_activated;
      return { invite, ...(typeof flag === 'boolean' ? { activated: flag } : {}) };
    },

    async activate(): Promise<ActivateResult> {
      const body = await bootstrapSora2(http);
      const flag = (body as { is_sora_activated?: unknown } | null | undefined)?.is_sora_activated;
      // The answer is undocumented: a 2xx means Sora took it unless it explicitly says otherwise.
      return { activated: flag !== false };
    },

    async redeemInvite(raw: string): Promise<RedeemResult> {
      const valid = validateInviteCode(raw);
      if (!valid.ok) return { outcome: 'refused', reason: 'format' };
      try {
        const res = await acceptInvite(http, { inviteCode: valid.code });
        if (res.already_accepted) return { outcome: 'already_accepted' };
        if (res.success === false) return { outcome: 'refused', reason: 'invalid' };
      } catch (e) {
        if (isRefusal(e)) return { outcome: 'refused', reason: 'invalid' };
        throw e;
      }
      await refreshAccount();
      return { outcome: 'accepted' };
    },

    async checkUsername(raw: string): Promise<UsernameCheckResult> {
      const valid = validateUsername(raw);
      if (!valid.ok) return { username: raw.trim(), status: 'invalid', problem: valid.problem };
      try {
        const res = await checkUsernameEndpoint(http, valid.username);
        return { username: valid.username, status: res.available ? 'available' : 'taken' };
      } catch (e) {
        if (isRefusal(e)) return { username: valid.username, status: 'invalid' };
        throw e;
      }
    },

    async setUsername(raw: string): Promise<SetUsernameResult> {
      const valid = validateUsername(raw);
      if (!valid.ok) return { outcome: 'invalid', username: raw.trim(), problem: valid.problem };
      const username = valid.username;
      try {
        const res = await setUsernameEndpoint(http, username);
        const account = await refreshAccount();
        return { outcome: 'set', username: res?.username ?? username, ...(account ? { account } : {}) };
      } catch (e) {
        if (!isRefusal(e)) throw e;
        if (e.status === 409 || serverCodeHas(e, 'taken')) return { outcome: 'taken', username };
        return { outcome: 'invalid', username };
      }
    },
  };
}

export type Sora2Service = ReturnType<typeof createSora2Service>;
