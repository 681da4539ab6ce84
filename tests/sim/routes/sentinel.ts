/**
 * chatgpt.com's sentinel service: the requirements exchange hand-made tokens start with (NOTES.md, *Sentinel
 * token*). `POST /backend-api/sentinel/req` with a text/plain JSON body `{p:"gAAAAAC…", id, flow}` →
 * `{token, proofofwork:{required, seed, difficulty}, turnstile:{dx}}`; the simulator remembers each challenge
 * to verify the tokens made from it (../sentinel.ts).
 */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';

export function registerSentinel(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend-api/sentinel/req', async (c) => {
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(await c.req.text()) as Record<string, unknown>;
    } catch {
      return c.json({ detail: 'Invalid request body' }, 400);
    }
    const { p, id, flow } = body;
    if (typeof p !== 'string' || !p.startsWith('gAAAAAC') || typeof id !== 'string' || !id) {
      return c.json({ detail: 'Missing requirements proof' }, 400);
    }
    if (typeof flow !== 'string' || !flow) return c.json({ detail: 'Missing flow' }, 400);
    const token = `gAAAAAB${core.ids.opaque(48)}`;
    const seed = String(core.ids.uuid());
    const difficulty = core.config.sentinelDifficulty;
    core.state.sentinelChallenges.set(token, { token, seed, difficulty, id, issuedAt: Date.now(), uses: 0 });
    return c.json({
      persona: 'chatgpt-freeaccount',
      token,
      expire_after: core.config.sentinelTokenLifeSec,
      proofofwork: { required: true, seed, difficulty },
      turnstile: { required: false, dx: core.ids.opaque(32) },
    });
  });
}
