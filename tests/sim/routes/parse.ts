/**
 * A third-party parse service (NOTES.md, "Publishing and watermark-free download"): `POST /get-sora-link`
 * with `{url}` (a share link `https://sora.chatgpt.com/p/s_…`) → `{download_link}` or `{error}`. Like the
 * public ones, it hands out a link on its own mirror, not on Sora's media host: here `FOREIGN_MEDIA_HOST`,
 * which serves the post's clean file. A client must ask the user before it downloads from there.
 */
import type { Hono } from 'hono';
import { cors } from 'hono/cors';
import type { SimCore, SimEnv } from '../core';
import { FOREIGN_MEDIA_HOST, signedMediaUrl } from '../media';

export const PARSE_HOST = 'parse.sim.example';

export function registerParse(app: Hono<SimEnv>, core: SimCore): void {
  // Called from an extension's background, so it answers CORS (a JSON POST is preflighted) like a public one.
  app.use('*', cors({ origin: '*', allowMethods: ['POST'], allowHeaders: ['content-type'] }));
  app.post('/get-sora-link', async (c) => {
    let body: unknown;
    try {
      body = JSON.parse(await c.req.text());
    } catch {
      return c.json({ error: 'Invalid JSON' }, 400);
    }
    const url = (body as { url?: unknown } | null)?.url;
    const postId =
      typeof url === 'string'
        ? url.match(/^https:\/\/sora\.chatgpt\.com\/p\/(s_[0-9a-f]{32})$/)?.[1]
        : undefined;
    if (postId === undefined) return c.json({ error: 'Not a Sora share link' }, 400);
    const post = core.state.posts.get(postId);
    if (!post || post.deleted) return c.json({ error: 'Post not found' }, 404);
    const expires = core.now() + core.config.mediaUrlLifetimeSec * 1000;
    return c.json({
      download_link: signedMediaUrl(core.secret, post.cleanPath, expires, FOREIGN_MEDIA_HOST),
    });
  });
}
