/** Account, subscription, quota, invite and username endpoints. */
import type { Hono } from 'hono';
import { DEVICE_ID_COOKIE, parseCookies } from '../auth';
import type { SimCore, SimEnv } from '../core';
import { errors } from '../errors';
import { type Ctx, checkUsernameFormat, readJson, str } from '../http';
import { variant } from '../variants';

const PLAN_INFO = {
  plus: { id: 'chatgpt_plus', title: 'ChatGPT Plus' },
  pro: { id: 'chatgpt_pro', title: 'ChatGPT Pro' },
} as const;

export function registerAccount(app: Hono<SimEnv>, core: SimCore): void {
  app.get('/backend/me', (c) => {
    const u = c.get('user');
    return c.json({
      id: u.id,
      email: u.email,
      name: u.name,
      username: u.username,
      picture: core.mediaUrl(u.image),
      created_at: u.createdAt / 1000,
      is_sora_activated: u.soraActivated,
    });
  });

  app.get('/backend/billing/subscriptions', (c) => {
    const u = c.get('user');
    if (u.plan === 'free') return c.json({ data: [] });
    const endTs =
      variant(core.config, 'endTs', u.id) === 'epoch'
        ? u.planEndsAt
        : new Date(u.planEndsAt * 1000).toISOString().replace('.000Z', 'Z');
    return c.json({ data: [{ plan: PLAN_INFO[u.plan], end_ts: endTs }] });
  });

  app.get('/backend/nf/check', (c) =>
    c.json({ rate_limit_and_credit_balance: core.quotaBody(c.get('user')) }),
  );

  app.get('/backend/project_y/invite/mine', (c) => {
    const u = c.get('user');
    return c.json({ invite_code: u.inviteCode, redeemed_count: u.redeemedCount, total_count: u.totalCount });
  });

  app.post('/backend/project_y/invite/accept', async (c) => {
    const u = c.get('user');
    const body = await readJson(c);
    const code = str(body.invite_code)?.trim().toUpperCase() ?? '';
    // Recorded whatever the outcome: tests check the extension sends its device id cookie here.
    u.inviteDeviceId =
      parseCookies(c.req.header('cookie'))[DEVICE_ID_COOKIE] ?? c.req.header('oai-device-id') ?? null;
    if (u.inviteAccepted) return c.json({ success: true, already_accepted: true });
    const owner = [...core.state.users.values()].find((o) => o.inviteCode === code && o.id !== u.id);
    const valid = core.config.validInviteCodes.some((v) => v.toUpperCase() === code) || owner !== undefined;
    if (!code || !valid)
      throw errors.invalid('invite_code', 'This invite code is not valid.', 'invalid_invite_code');
    if (owner) owner.redeemedCount++;
    u.inviteAccepted = true;
    u.soraActivated = true;
    return c.json({ success: true, already_accepted: false });
  });

  const bootstrap = (c: Ctx) => {
    c.get('user').soraActivated = true;
    return c.json({ success: true, is_sora_activated: true });
  };
  app.get('/backend/m/bootstrap', bootstrap);
  app.post('/backend/m/bootstrap', bootstrap);

  app.post('/backend/project_y/profile/username/check', async (c) => {
    const name = checkUsernameFormat((await readJson(c)).username);
    return c.json({ available: !core.isUsernameTaken(name) });
  });

  app.post('/backend/project_y/profile/username/set', async (c) => {
    const u = c.get('user');
    const name = checkUsernameFormat((await readJson(c)).username);
    if (u.username?.toLowerCase() !== name.toLowerCase() && core.isUsernameTaken(name)) {
      throw errors.conflict('username', 'This username is already taken.', 'username_taken');
    }
    u.username = name;
    return c.json({ success: true, username: name });
  });
}
