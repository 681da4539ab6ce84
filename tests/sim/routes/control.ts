/** `/__sim/*`: the JSON control API, on every host (including the bare 127.0.0.1:PORT). Not logged. */
import { type Context, Hono } from 'hono';
import type { SimControl } from '../control';
import type { FaultSpec, LogFilter, ServiceMode } from '../types';

export const CONTROL_ROUTES = [
  'GET    /__sim/state',
  'POST   /__sim/reset',
  'GET    /__sim/config | POST /__sim/config {…SimConfigPatch}',
  'POST   /__sim/quota {remaining, resetsInSec?, allowance?, email?}',
  'GET    /__sim/users | POST /__sim/users {email, plan?, name?, username?, planEndsAt?, quota?}',
  'POST   /__sim/login {email} → {cookieName, cookieNames, value, cookies, deviceId, cookieHeader}',
  'POST   /__sim/session/end {email?, invalidateTokens?}',
  'POST   /__sim/tokens {email, expiresInSec?} → {accessToken}',
  'POST   /__sim/tokens/invalidate {email?}',
  'POST   /__sim/refresh-tokens {email} → {refresh_token}',
  'POST   /__sim/policy {blocked?: string[], failing?: string[]}',
  'GET    /__sim/faults | POST /__sim/faults {FaultSpec} | DELETE /__sim/faults | DELETE /__sim/faults/:id',
  'GET    /__sim/log?since=&method=&host=&path=&limit= | DELETE /__sim/log',
  'GET    /__sim/stats',
  'GET    /__sim/clock | POST /__sim/clock {speed?, advanceMs?}',
  'POST   /__sim/drafts/seed {count, promptPrefix?, email?, orientation?, nFrames?} → {ids}',
  'POST   /__sim/cameos {id?, outcome: normal|fail|stall}',
  'GET    /__sim/service | POST /__sim/service {mode: normal|gone_404|gone_410|html|redirect|unreachable}',
];

export function createControlApp(control: SimControl): Hono {
  const app = new Hono().basePath('/__sim');
  const body = async <T>(c: Context): Promise<T> => {
    const text = await c.req.text();
    if (!text.trim()) return {} as T;
    return JSON.parse(text) as T;
  };

  app.onError((e, c) => c.json({ error: e instanceof Error ? e.message : String(e) }, 400));
  app.notFound((c) => c.json({ error: 'Unknown control route.', routes: CONTROL_ROUTES }, 404));

  app.get('/', (c) => c.json({ routes: CONTROL_ROUTES }));
  app.get('/state', (c) => c.json(control.state()));
  app.post('/reset', (c) => {
    control.reset();
    return c.json({ ok: true });
  });
  app.get('/config', (c) => c.json(control.config()));
  app.post('/config', async (c) => c.json(control.setConfig(await body(c))));
  app.post('/quota', async (c) => c.json({ users: control.setQuota(await body(c)) }));
  app.get('/users', (c) => c.json({ users: control.state().users }));
  app.post('/users', async (c) => c.json(control.upsertUser(await body(c))));
  app.post('/login', async (c) => c.json(control.login((await body<{ email?: string }>(c)).email)));
  app.post('/session/end', async (c) => c.json({ ended: control.endSession(await body(c)) }));
  app.post('/tokens', async (c) => {
    const b = await body<{ email?: string; expiresInSec?: number }>(c);
    return c.json({ accessToken: control.accessToken(b.email, { expiresInSec: b.expiresInSec }) });
  });
  app.post('/tokens/invalidate', async (c) => {
    control.invalidateTokens(await body(c));
    return c.json({ ok: true });
  });
  app.post('/refresh-tokens', async (c) =>
    c.json({ refresh_token: control.refreshToken((await body<{ email?: string }>(c)).email) }),
  );
  app.post('/policy', async (c) => c.json(control.setPolicy(await body(c))));
  app.get('/faults', (c) => c.json({ faults: control.faults() }));
  app.post('/faults', async (c) => {
    const b = await body<FaultSpec | FaultSpec[]>(c);
    return c.json(Array.isArray(b) ? b.map((f) => control.addFault(f)) : control.addFault(b));
  });
  app.delete('/faults', (c) => {
    control.clearFaults();
    return c.json({ ok: true });
  });
  app.delete('/faults/:id', (c) => c.json({ removed: control.removeFault(c.req.param('id')) }));
  app.get('/log', (c) => {
    const q = c.req.query();
    const n = (v: string | undefined) => (v === undefined || v === '' ? undefined : Number(v));
    const filter: LogFilter = {
      since: n(q.since),
      method: q.method,
      host: q.host,
      path: q.path,
      limit: n(q.limit),
    };
    return c.json({ entries: control.log(filter) });
  });
  app.delete('/log', (c) => {
    control.clearLog();
    return c.json({ ok: true });
  });
  app.get('/stats', (c) => c.json(control.stats()));
  app.get('/clock', (c) => c.json(control.clock()));
  app.post('/clock', async (c) => c.json(control.setClock(await body(c))));
  app.post('/drafts/seed', async (c) => c.json({ ids: control.seedDrafts(await body(c)) }));
  app.get('/service', (c) => c.json({ mode: control.config().service }));
  app.post('/service', async (c) => {
    const b = await body<{ mode?: ServiceMode }>(c);
    return c.json({ mode: control.setConfig({ service: b.mode ?? 'normal' }).service });
  });
  app.post('/tasks/outside', async (c) =>
    c.json({ id: control.outsideTask((await body(c)) as Parameters<typeof control.outsideTask>[0]) }),
  );
  app.post('/cameos', async (c) => {
    control.setCameoOutcome(await body(c));
    return c.json({ ok: true });
  });
  return app;
}
