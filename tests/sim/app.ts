/**
 * `createSim()`: the whole Sora backend simulator as one in-process hono app. `sim.app.fetch(request)` serves
 * every host by the request URL's host name: sora.chatgpt.com, videos.openai.com, auth.openai.com, and the
 * control API under `/__sim/` on any host. See README.md for the contract.
 */
import { Hono } from 'hono';
import type { SimClock } from './clock';
import { SimControl } from './control';
import { SimCore, type SimEnv } from './core';
import { SimHttpError } from './errors';
import { notFoundPage } from './pages';
import { registerAccount } from './routes/account';
import { registerCharacters } from './routes/characters';
import { createControlApp } from './routes/control';
import { registerEditor } from './routes/editor';
import { registerExtend } from './routes/extend';
import { registerImages } from './routes/images';
import { registerMedia } from './routes/media';
import { registerOAuth } from './routes/oauth';
import { registerParse } from './routes/parse';
import { registerPosts } from './routes/posts';
import { registerSentinel } from './routes/sentinel';
import { registerVideo } from './routes/video';
import { registerWeb } from './routes/web';
import type { SimState } from './state';
import type { SimConfig, SimConfigPatch } from './types';

export interface Sim {
  /**
   * Serves all hosts. A `drop` fault makes `app.fetch` reject with `TypeError('fetch failed')` (see
   * `isSimDrop`); a `hang` fault never settles until the request's signal aborts (then it rejects with the
   * abort reason) or faults are cleared / the sim is reset (then it rejects like a drop).
   */
  readonly app: Hono;
  /** `fetch`-compatible entry point: `sim.fetch(url, init)` = `sim.app.fetch(new Request(url, init))`. */
  readonly fetch: (input: string | URL | Request, init?: RequestInit) => Promise<Response>;
  /** Live data (replaced on reset, so read it through `sim.state` each time). */
  readonly state: SimState;
  readonly clock: SimClock;
  readonly config: SimConfig;
  readonly control: SimControl;
  /** The engine, for tests that need more than the control API. */
  readonly core: SimCore;
}

export function createSim(options: SimConfigPatch = {}): Sim {
  const core = new SimCore(options);
  const control = new SimControl(core);

  const onError = (e: Error, c: { env: SimEnv['Bindings'] }) => {
    if (e instanceof SimHttpError) return core.errorResponse(e, String(c.env?.entry?.seq ?? ''));
    throw e;
  };

  const sora = new Hono<SimEnv>();
  sora.onError(onError);
  sora.notFound((c) => {
    if (c.req.path.startsWith('/backend/')) {
      return core.errorResponse(
        new SimHttpError(404, {
          message: 'Not Found',
          type: 'invalid_request_error',
          param: null,
          code: 'not_found',
        }),
        String(c.env.entry.seq),
      );
    }
    return c.html(notFoundPage({ email: null }), 404);
  });
  sora.use('/backend/*', async (c, next) => {
    const user = core.authenticate(c.req.header('authorization'));
    c.set('user', user);
    c.env.entry.user = user.email;
    await next();
  });
  registerAccount(sora, core);
  registerVideo(sora, core);
  registerImages(sora, core);
  registerPosts(sora, core);
  registerCharacters(sora, core);
  registerEditor(sora, core);
  registerExtend(sora, core);
  registerWeb(sora, core);

  const media = new Hono<SimEnv>();
  media.onError(onError);
  registerMedia(media, core);

  const auth = new Hono<SimEnv>();
  auth.onError(onError);
  auth.notFound((c) => c.json({ error: 'not_found' }, 404));
  registerOAuth(auth, core);

  const sentinel = new Hono<SimEnv>();
  sentinel.onError(onError);
  sentinel.notFound((c) => c.json({ detail: 'Not Found' }, 404));
  registerSentinel(sentinel, core);

  const parse = new Hono<SimEnv>();
  parse.onError(onError);
  parse.notFound((c) => c.json({ error: 'Not found' }, 404));
  registerParse(parse, core);

  core.apps = { sora, media, auth, sentinel, control: createControlApp(control), parse };

  const app = new Hono();
  app.all('*', (c) => core.handle(c.req.raw));
  // Dropped connections and aborts must reach the caller as rejections, like a real fetch.
  app.onError((e) => {
    throw e;
  });

  const fetchFn = (input: string | URL | Request, init?: RequestInit) =>
    Promise.resolve(app.fetch(input instanceof Request && !init ? input : new Request(input, init)));

  return {
    app,
    fetch: fetchFn,
    get state() {
      return core.state;
    },
    clock: core.clock,
    get config() {
      return core.config;
    },
    control,
    core,
  };
}

export { isSimDrop, SimDropError } from './errors';
export { bodyText, reachedBackend } from './log';
export { fixturePath, loadFixture } from './media';
export type * from './types';
