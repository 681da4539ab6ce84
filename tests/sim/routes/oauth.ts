/** auth.openai.com: the refresh-token grant of the reference (RT → AT, the RT rotated on every use). */
import type { Hono } from 'hono';
import { OAUTH_CLIENT_ID } from '../auth';
import type { SimCore, SimEnv } from '../core';

export function registerOAuth(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/oauth/token', async (c) => {
    const type = c.req.header('content-type') ?? '';
    let body: Record<string, unknown> = {};
    try {
      body = type.includes('application/json')
        ? ((await c.req.json()) as Record<string, unknown>)
        : Object.fromEntries(new URLSearchParams(await c.req.text()));
    } catch {
      return c.json({ error: 'invalid_request', error_description: 'Malformed body.' }, 400);
    }
    if (body.grant_type !== 'refresh_token') {
      return c.json(
        { error: 'unsupported_grant_type', error_description: 'Only refresh_token is supported.' },
        400,
      );
    }
    if (body.client_id !== OAUTH_CLIENT_ID) {
      return c.json({ error: 'invalid_client', error_description: 'Unknown client_id.' }, 401);
    }
    const rt = typeof body.refresh_token === 'string' ? body.refresh_token : '';
    const userId = core.state.refreshTokens.get(rt);
    const user = userId ? core.state.users.get(userId) : undefined;
    if (!user) {
      return c.json({ error: 'invalid_grant', error_description: 'Invalid or reused refresh token.' }, 400);
    }
    c.env.entry.user = user.email;
    core.state.refreshTokens.delete(rt);
    const next = `rt_${core.ids.opaque(40)}`;
    core.state.refreshTokens.set(next, user.id);
    const at = core.mintAccessToken(user, core.config.tokenLifetimeSec);
    return c.json({
      access_token: at.token,
      refresh_token: next,
      expires_in: core.config.tokenLifetimeSec,
      token_type: 'Bearer',
      scope: 'openid email profile offline_access model.request model.read',
    });
  });
}
