/**
 * Sora 2 onboarding and the username (lib/account/sora2.ts) against the simulator in process, the
 * client-side pre-checks, and the debounced live username check.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AccountSnapshot } from '../../lib/account/snapshot';
import { createSora2Service } from '../../lib/account/sora2';
import { createUsernameChecker, type UsernameCheckState } from '../../lib/account/username-check';
import { USERNAME_RE, validateInviteCode, validateUsername } from '../../lib/account/validate';
import { fetchSession } from '../../lib/sora/endpoints';
import { SoraError } from '../../lib/sora/errors';
import { createSoraHttp, type FetchFn } from '../../lib/sora/http';
import { createSim } from '../sim/app';
import { USERNAME_RE as SIM_USERNAME_RE } from '../sim/http';
import { randomSentinel } from './harness/random-sentinel';

const EMAIL = 'ada@example.com';

function setup() {
  const sim = createSim({ speed: 0, seed: 7 });
  const login = sim.control.login(EMAIL);
  const fetchFn: FetchFn = async (input, init) => sim.app.fetch(new Request(input, init));
  const http = createSoraHttp({
    fetch: fetchFn,
    getAccessToken: async () => {
      const s = await fetchSession(fetchFn, { cookieHeader: login.cookieHeader });
      if (!s.accessToken) throw new SoraError('logged_out', 'Logged out.');
      return s.accessToken;
    },
    getDeviceId: async () => login.deviceId.value,
    sentinel: randomSentinel(),
  });
  const snapshot: AccountSnapshot = { status: 'ok', email: EMAIL };
  const refreshAccount = vi.fn(async () => snapshot);
  const service = createSora2Service({ http, refreshAccount });
  const user = () => sim.state.userByEmail(EMAIL)!;
  const calls = (path: string) => sim.control.log({ path: `/backend${path}` });
  return { sim, login, service, refreshAccount, user, calls, snapshot };
}

describe('username pre-check', () => {
  it('is the same rule the simulator (and Sora) enforce', () => {
    expect(USERNAME_RE.source).toBe(SIM_USERNAME_RE.source);
  });

  it('accepts 3–30 lowercase letters, digits, "." and "_", starting with a letter or digit', () => {
    for (const ok of ['ada', 'a.b', 'tomo.films', '1st_try', 'a'.repeat(30), '  ada.l  ']) {
      const res = validateUsername(ok);
      expect(res.ok, ok).toBe(true);
      if (res.ok) expect(USERNAME_RE.test(res.username)).toBe(true);
    }
  });

  it('names the exact problem', () => {
    expect(validateUsername('')).toEqual({ ok: false, problem: 'empty' });
    expect(validateUsername('   ')).toEqual({ ok: false, problem: 'empty' });
    expect(validateUsername('ab')).toEqual({ ok: false, problem: 'too_short' });
    expect(validateUsername('a'.repeat(31))).toEqual({ ok: false, problem: 'too_long' });
    expect(validateUsername('Ada')).toEqual({ ok: false, problem: 'uppercase' });
    expect(validateUsername('ada lovelace')).toEqual({ ok: false, problem: 'chars' });
    expect(validateUsername('ada-l')).toEqual({ ok: false, problem: 'chars' });
    expect(validateUsername('adä')).toEqual({ ok: false, problem: 'chars' });
    expect(validateUsername('.ada')).toEqual({ ok: false, problem: 'start' });
    expect(validateUsername('_ada')).toEqual({ ok: false, problem: 'start' });
  });

  it('never lets through what the rule refuses (exhaustive over short strings)', () => {
    const alphabet = ['a', 'Z', '0', '.', '_', '-', ' '];
    const words: string[] = [''];
    for (let len = 1; len <= 4; len++) {
      for (const w of words.filter((x) => x.length === len - 1)) for (const c of alphabet) words.push(w + c);
    }
    for (const w of words) {
      const res = validateUsername(w);
      expect(res.ok, JSON.stringify(w)).toBe(USERNAME_RE.test(w.trim()));
    }
  });
});

describe('invite code pre-check', () => {
  it('trims, and refuses empty, overlong and odd-character codes', () => {
    expect(validateInviteCode('  SIMCODE ')).toEqual({ ok: true, code: 'SIMCODE' });
    expect(validateInviteCode('abc-123_x')).toEqual({ ok: true, code: 'abc-123_x' });
    expect(validateInviteCode('')).toEqual({ ok: false, problem: 'empty' });
    expect(validateInviteCode(' \t ')).toEqual({ ok: false, problem: 'empty' });
    expect(validateInviteCode('A'.repeat(65))).toEqual({ ok: false, problem: 'too_long' });
    expect(validateInviteCode('ABC 123')).toEqual({ ok: false, problem: 'chars' });
    expect(validateInviteCode('ABC;DROP')).toEqual({ ok: false, problem: 'chars' });
    expect(validateInviteCode('邀请码')).toEqual({ ok: false, problem: 'chars' });
  });
});

describe('Sora 2 service against the simulator', () => {
  it('reads the own invite code with its use count, and the activation flag', async () => {
    const t = setup();
    const status = await t.service.status();
    expect(status).toEqual({
      activated: false,
      invite: { code: t.user().inviteCode, redeemed: 0, total: 5 },
    });
  });

  it('tolerates an account without an invite code', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/project_y/invite/mine', kind: 'status', status: 404 });
    expect((await t.service.status()).invite).toBeNull();
  });

  it('throws what the user cannot fix here (network), so the page shows it with a retry', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/project_y/invite/mine', kind: 'drop' });
    await expect(t.service.status()).rejects.toMatchObject({ code: 'network' });
  });

  it('activates Sora 2 through /m/bootstrap', async () => {
    const t = setup();
    expect(await t.service.activate()).toEqual({ activated: true });
    expect(t.calls('/m/bootstrap')).toHaveLength(1);
    expect(t.user().soraActivated).toBe(true);
    expect((await t.service.status()).activated).toBe(true);
  });

  it('redeems a valid code once, with the device id, then says it was already accepted', async () => {
    const t = setup();
    expect(await t.service.redeemInvite(' simcode ')).toEqual({ outcome: 'accepted' });
    expect(t.calls('/project_y/invite/accept').at(-1)?.body).toEqual({ invite_code: 'simcode' });
    expect(t.user().inviteDeviceId).toBe(t.login.deviceId.value);
    expect(t.refreshAccount).toHaveBeenCalledTimes(1);
    expect(await t.service.redeemInvite('ABC123')).toEqual({ outcome: 'already_accepted' });
  });

  it('credits the owner when the code is another user’s', async () => {
    const t = setup();
    const other = t.sim.control.upsertUser({ email: 'bo@example.com' });
    const code = t.sim.state.userByEmail('bo@example.com')!.inviteCode;
    expect(other.email).toBe('bo@example.com');
    expect(await t.service.redeemInvite(code)).toEqual({ outcome: 'accepted' });
    expect(t.sim.state.userByEmail('bo@example.com')!.redeemedCount).toBe(1);
  });

  it('reports a refused code as a result, and a malformed one without asking Sora', async () => {
    const t = setup();
    expect(await t.service.redeemInvite('NOPE42')).toEqual({ outcome: 'refused', reason: 'invalid' });
    expect(t.calls('/project_y/invite/accept')).toHaveLength(1);
    expect(await t.service.redeemInvite('  ')).toEqual({ outcome: 'refused', reason: 'format' });
    expect(await t.service.redeemInvite('NO PE')).toEqual({ outcome: 'refused', reason: 'format' });
    expect(t.calls('/project_y/invite/accept')).toHaveLength(1);
    expect(t.refreshAccount).not.toHaveBeenCalled();
  });

  it('checks usernames: taken, a character’s, free; invalid ones never reach Sora', async () => {
    const t = setup();
    expect(await t.service.checkUsername('taken')).toEqual({ username: 'taken', status: 'taken' });
    expect(await t.service.checkUsername('miralune')).toEqual({ username: 'miralune', status: 'taken' });
    expect(await t.service.checkUsername(' ada.lovelace ')).toEqual({
      username: 'ada.lovelace',
      status: 'available',
    });
    const before = t.calls('/project_y/profile/username/check').length;
    expect(await t.service.checkUsername('Ada')).toEqual({
      username: 'Ada',
      status: 'invalid',
      problem: 'uppercase',
    });
    expect(await t.service.checkUsername('ab')).toMatchObject({ status: 'invalid', problem: 'too_short' });
    expect(t.calls('/project_y/profile/username/check')).toHaveLength(before);
  });

  it('sets the username, then refreshes the account and hands the fresh snapshot back', async () => {
    const t = setup();
    expect(await t.service.setUsername('ada.lovelace')).toEqual({
      outcome: 'set',
      username: 'ada.lovelace',
      account: t.snapshot,
    });
    expect(t.user().username).toBe('ada.lovelace');
    expect(t.refreshAccount).toHaveBeenCalledTimes(1);
  });

  it('a set still counts when the account re-read afterwards fails', async () => {
    const t = setup();
    t.refreshAccount.mockRejectedValueOnce(new SoraError('network', 'offline'));
    expect(await t.service.setUsername('ada.l')).toEqual({ outcome: 'set', username: 'ada.l' });
  });

  it('turns a name taken meanwhile (409) into a result, not an error', async () => {
    const t = setup();
    expect(await t.service.setUsername('tomo.films')).toEqual({ outcome: 'taken', username: 'tomo.films' });
    expect(await t.service.setUsername('Ada.L')).toMatchObject({ outcome: 'invalid', problem: 'uppercase' });
    expect(t.user().username).toBeNull();
    expect(t.refreshAccount).not.toHaveBeenCalled();
  });

  it('lets session and server failures through as errors', async () => {
    const t = setup();
    t.sim.control.addFault({ path: '/backend/project_y/profile/username/set', kind: 'server_error' });
    await expect(t.service.setUsername('ada.l')).rejects.toMatchObject({ code: 'server_error' });
  });
});

describe('live username check', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  function harness(current?: string) {
    const states: UsernameCheckState[] = [];
    const pending: Array<{ username: string; resolve: (available: boolean) => void }> = [];
    const check = vi.fn(
      (username: string) =>
        new Promise<{ username: string; status: 'available' | 'taken' }>((resolve) => {
          pending.push({
            username,
            resolve: (available) => resolve({ username, status: available ? 'available' : 'taken' }),
          });
        }),
    );
    const checker = createUsernameChecker({
      check,
      onState: (s) => states.push(s),
      current: () => current,
      delayMs: 400,
    });
    return { states, pending, check, checker, last: () => states.at(-1) };
  }

  it('asks once per pause in typing, for the latest text', async () => {
    const h = harness();
    for (const text of ['a', 'ad', 'ada', 'ada.', 'ada.l']) {
      h.checker.input(text);
      await vi.advanceTimersByTimeAsync(150);
    }
    expect(h.check).not.toHaveBeenCalled();
    expect(h.last()).toEqual({ kind: 'checking', username: 'ada.l' });
    await vi.advanceTimersByTimeAsync(400);
    expect(h.check).toHaveBeenCalledTimes(1);
    expect(h.check).toHaveBeenCalledWith('ada.l');
    h.pending[0]?.resolve(true);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.last()).toEqual({ kind: 'available', username: 'ada.l' });
  });

  it('drops an answer that arrives after the text changed', async () => {
    const h = harness();
    h.checker.input('taken');
    await vi.advanceTimersByTimeAsync(400);
    h.checker.input('taken2');
    await vi.advanceTimersByTimeAsync(400);
    expect(h.check).toHaveBeenCalledTimes(2);
    // The second answer comes first; the first one, now stale, must not overwrite it.
    h.pending[1]?.resolve(true);
    await vi.advanceTimersByTimeAsync(0);
    h.pending[0]?.resolve(false);
    await vi.advanceTimersByTimeAsync(0);
    expect(h.last()).toEqual({ kind: 'available', username: 'taken2' });
    expect(h.states.some((s) => s.kind === 'taken')).toBe(false);
  });

  it('refuses invalid names and the current name without a request', async () => {
    const h = harness('ada');
    h.checker.input('Ada');
    expect(h.last()).toEqual({ kind: 'invalid', problem: 'uppercase' });
    h.checker.input('ada');
    expect(h.last()).toEqual({ kind: 'current', username: 'ada' });
    h.checker.input('');
    expect(h.last()).toEqual({ kind: 'idle' });
    await vi.advanceTimersByTimeAsync(2000);
    expect(h.check).not.toHaveBeenCalled();
  });

  it('cancels a pending check when the field becomes invalid or is disposed', async () => {
    const h = harness();
    h.checker.input('ada.l');
    h.checker.input('ada l');
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.check).not.toHaveBeenCalled();
    h.checker.input('ada.l');
    h.checker.dispose();
    await vi.advanceTimersByTimeAsync(1000);
    expect(h.check).not.toHaveBeenCalled();
  });

  it('shows a failure and checks again at once on retry', async () => {
    const states: UsernameCheckState[] = [];
    const check = vi
      .fn()
      .mockRejectedValueOnce(new SoraError('network', 'offline'))
      .mockResolvedValueOnce({ username: 'ada.l', status: 'available' });
    const checker = createUsernameChecker({ check, onState: (s) => states.push(s) });
    checker.input('ada.l');
    await vi.advanceTimersByTimeAsync(400);
    expect(states.at(-1)).toMatchObject({ kind: 'error', error: { code: 'network' } });
    checker.recheck('ada.l');
    await vi.advanceTimersByTimeAsync(0);
    expect(states.at(-1)).toEqual({ kind: 'available', username: 'ada.l' });
    expect(check).toHaveBeenCalledTimes(2);
  });
});
