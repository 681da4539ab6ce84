/** sora.chatgpt.com outside /backend: the session endpoint, login / logout and the HTML pages. */
import type { Hono } from 'hono';
import { DEVICE_ID_COOKIE, parseCookies, SESSION_COOKIE, setCookieHeader } from '../auth';
import type { SimCore, SimEnv } from '../core';
import type { Ctx } from '../http';
import { findDraft } from '../model/tasks';
import { type CardData, feedPage, loginPage, notFoundPage, postPage } from '../pages';
import type { PostRec } from '../state';

const YEAR_SEC = 365 * 86_400;

export function registerWeb(app: Hono<SimEnv>, core: SimCore): void {
  const signedInEmail = (c: Ctx): string | null => {
    const s = core.sessionOf(c.req.raw);
    const email = s ? (core.state.users.get(s.userId)?.email ?? null) : null;
    if (email) c.env.entry.user = email;
    return email;
  };

  /** The real site sets its device id on any visit; so does this one, when it is missing. */
  const ensureDeviceCookie = (c: Ctx) => {
    if (parseCookies(c.req.header('cookie'))[DEVICE_ID_COOKIE]) return;
    c.header('set-cookie', setCookieHeader(DEVICE_ID_COOKIE, core.ids.uuid(), { maxAgeSec: YEAR_SEC }), {
      append: true,
    });
  };

  const pageKey = (): string | null => {
    if (!core.config.pageSentinel) return null;
    const key = `pk_${core.ids.opaque(20)}`;
    core.state.pageKeys.add(key);
    return key;
  };

  const card = (post: PostRec): CardData | null => {
    const d = findDraft(core.state, post.generationId, Number.POSITIVE_INFINITY, core.config);
    if (!d?.assets) return null;
    const owner = core.state.users.get(post.userId);
    return {
      postId: post.id,
      videoUrl: core.mediaUrl(d.assets.wm),
      posterUrl: core.mediaUrl(d.assets.thumb),
      text: post.text || d.prompt,
      author: owner?.username ?? owner?.name ?? 'someone',
    };
  };

  app.get('/api/auth/session', (c) => {
    c.header('cache-control', 'no-store');
    const session = core.sessionOf(c.req.raw);
    const user = session ? core.state.users.get(session.userId) : undefined;
    if (!session || !user) return c.json({});
    c.env.entry.user = user.email;
    const at = core.sessionAccessToken(session);
    const image = core.mediaUrl(user.image);
    return c.json({
      user: { id: user.id, name: user.name, email: user.email, image, picture: image },
      expires: new Date(session.expiresAt).toISOString(),
      accessToken: at.token,
      authProvider: 'openai',
    });
  });

  app.get('/login', (c) => {
    ensureDeviceCookie(c);
    return c.html(loginPage({ email: signedInEmail(c), next: c.req.query('next') }));
  });

  app.post('/login', async (c) => {
    const form = await c.req.parseBody();
    const email = typeof form.email === 'string' ? form.email.trim() : '';
    if (!/^[^\s@]+@[^\s@]+$/.test(email)) {
      return c.html(loginPage({ email: null, error: 'Enter a valid email address.' }), 400);
    }
    const login = core.login(email);
    c.env.entry.user = login.email;
    const maxAgeSec = core.config.sessionLifetimeSec;
    // Clear the other form (plain vs chunked) so a stale cookie never shadows the new session.
    const stale = login.cookieNames.includes(SESSION_COOKIE)
      ? [`${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]
      : [SESSION_COOKIE];
    for (const name of stale)
      c.header('set-cookie', setCookieHeader(name, '', { maxAgeSec: 0 }), { append: true });
    for (const ck of login.cookies) {
      c.header('set-cookie', setCookieHeader(ck.name, ck.value, { maxAgeSec, httpOnly: true }), {
        append: true,
      });
    }
    ensureDeviceCookie(c);
    const next = typeof form.next === 'string' && form.next.startsWith('/') ? form.next : '/';
    return c.redirect(next, 302);
  });

  app.get('/logout', (c) => {
    const session = core.sessionOf(c.req.raw);
    if (session) session.ended = true;
    for (const name of [SESSION_COOKIE, `${SESSION_COOKIE}.0`, `${SESSION_COOKIE}.1`]) {
      c.header('set-cookie', setCookieHeader(name, '', { maxAgeSec: 0, httpOnly: true }), { append: true });
    }
    return c.redirect('/', 302);
  });

  app.get('/', (c) => {
    ensureDeviceCookie(c);
    const cards = [...core.state.posts.values()]
      .filter((p) => !p.deleted && !p.unlisted)
      .sort((a, b) => b.postedAt - a.postedAt)
      .map(card)
      .filter((x): x is CardData => x !== null);
    return c.html(feedPage(cards, { email: signedInEmail(c), pageKey: pageKey() }));
  });

  app.get('/p/:id', (c) => {
    ensureDeviceCookie(c);
    const post = core.state.posts.get(c.req.param('id'));
    const data = post && !post.deleted ? card(post) : null;
    const email = signedInEmail(c);
    if (!data) return c.html(notFoundPage({ email }), 404);
    return c.html(postPage(data, { email, pageKey: pageKey() }));
  });
}
