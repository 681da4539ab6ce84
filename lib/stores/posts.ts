/**
 * "Posts still online" in History: the background's record of posts the extension made and has not deleted
 * (`posts.list`, kept live by `posts.changed`), and deleting one.
 */
import { create } from 'zustand';
import type { PostRecord } from '../db/post-record';
import { listen, send } from '../messaging/transport';
import { type SerializedError, toSerializedError } from '../sora/errors';

export interface PostsState {
  posts: readonly PostRecord[];
  /** Post ids whose delete is running. */
  deleting: ReadonlySet<string>;
  /** The last refused delete, by post id. */
  errors: Readonly<Record<string, SerializedError>>;
  start(): () => void;
  remove(id: string): Promise<void>;
}

export const usePosts = create<PostsState>((set, get) => ({
  posts: [],
  deleting: new Set(),
  errors: {},
  start() {
    const stop = listen('posts.changed', ({ posts }) => set({ posts }));
    void send('posts.list', {})
      .then(({ posts }) => set({ posts }))
      .catch(() => {});
    return stop;
  },
  async remove(id) {
    const without = <T>(rec: Readonly<Record<string, T>>) => {
      const next = { ...rec };
      delete next[id];
      return next;
    };
    set({ deleting: new Set([...get().deleting, id]), errors: without(get().errors) });
    try {
      const { posts } = await send('posts.delete', { id });
      set({ posts });
    } catch (e) {
      set({ errors: { ...get().errors, [id]: toSerializedError(e) } });
    } finally {
      const deleting = new Set(get().deleting);
      deleting.delete(id);
      set({ deleting });
    }
  },
}));
