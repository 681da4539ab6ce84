/** Publishing a draft (public or as an unlisted share link), reading and deleting posts. */
import type { Hono } from 'hono';
import type { SimCore, SimEnv } from '../core';
import { errors } from '../errors';
import { type Json, readJson, requireSentinel, str } from '../http';
import { findDraft } from '../model/tasks';
import { variant } from '../variants';
import { postJson } from './views';

export function registerPosts(app: Hono<SimEnv>, core: SimCore): void {
  app.post('/backend/project_y/post', async (c) => {
    const user = c.get('user');
    requireSentinel(core, c);
    const body = await readJson(c);
    const attachments = body.attachments_to_create;
    if (!Array.isArray(attachments) || attachments.length !== 1) {
      throw errors.invalid(
        'attachments_to_create',
        'Exactly one attachment {generation_id, kind:"sora"} is needed.',
      );
    }
    const att = (attachments[0] ?? {}) as Json;
    const genId = str(att.generation_id);
    if (!genId || att.kind !== 'sora') {
      throw errors.invalid('attachments_to_create', 'An attachment is {generation_id:"gen_…", kind:"sora"}.');
    }
    const draft = findDraft(core.state, genId, core.now(), core.config);
    if (!draft || draft.userId !== user.id) throw errors.notFound('Generation');
    if (draft.kind !== 'sora_draft' || !draft.assets) {
      throw errors.invalid(
        'attachments_to_create',
        'This generation cannot be posted.',
        'generation_not_postable',
      );
    }
    const destinations = body.destinations ?? [];
    if (!Array.isArray(destinations)) throw errors.invalid('destinations', 'destinations must be an array.');
    const unlisted = destinations.some((d) => (d as Json | null)?.type === 'shared_link_unlisted');
    const id = core.ids.post();
    const post = {
      id,
      userId: user.id,
      text: str(body.post_text) ?? '',
      postedAt: core.now(),
      generationId: genId,
      unlisted,
      deleted: false,
      cleanPath: core.registerAsset(
        `/vg-assets/assets/${draft.taskId}/${core.ids.hex(16)}/videos/00000/source.mp4`,
        {
          fixture: `video-clean-${draft.orientation}.mp4`,
          watermark: 'none',
        },
      ),
      seeded: false,
    };
    core.state.posts.set(id, post);
    return c.json({ post: postJson(core, post) });
  });

  app.get('/backend/project_y/post/:id', (c) => {
    const post = core.state.posts.get(c.req.param('id'));
    if (!post || post.deleted) throw errors.notFound('Post');
    return c.json({ post: postJson(core, post) });
  });

  app.delete('/backend/project_y/post/:id', (c) => {
    const user = c.get('user');
    const post = core.state.posts.get(c.req.param('id'));
    if (!post || post.deleted) throw errors.notFound('Post');
    if (post.userId !== user.id) throw errors.forbidden('You can only delete your own posts.');
    post.deleted = true;
    if (variant(core.config, 'deletePostStatus', post.id) === 204) return c.body(null, 204);
    return c.json({ success: true });
  });

  /**
   * The user's own posts, newest first (NOTES.md: `GET /project_y/profile_feed/me?cut=nf2`, unverified): what
   * lets a client find a post it published but lost the answer to. Deleted posts are not listed; `limit`
   * (default 20) and `cursor` page like the drafts list.
   */
  app.get('/backend/project_y/profile_feed/me', (c) => {
    const user = c.get('user');
    const shape = variant(core.config, 'profileFeed', user.id);
    if (shape === 'not_found') throw errors.notFound('Route');
    const limit = Math.max(1, Math.min(100, Number(c.req.query('limit') ?? 20) || 20));
    const offset = Math.max(0, Number(c.req.query('cursor') ?? 0) || 0);
    const mine = [...core.state.posts.values()]
      .filter((p) => p.userId === user.id && !p.deleted)
      .sort((a, b) => b.postedAt - a.postedAt);
    const page = mine.slice(offset, offset + limit);
    const cursor = offset + limit < mine.length ? String(offset + limit) : null;
    if (shape === 'flat') return c.json({ posts: page.map((p) => postJson(core, p)) });
    const u = core.state.users.get(user.id);
    return c.json({
      items: page.map((p) => ({
        post: postJson(core, p),
        profile: { user_id: user.id, username: u?.username ?? null },
      })),
      cursor,
    });
  });
}
