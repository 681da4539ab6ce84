/**
 * The background side of characters under WXT's fake browser: handlers, the event pages follow, and the
 * alarm kept only while work is open.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CHARACTERS_ALARM, createCharactersBackground } from '../../lib/background/characters';
import type { CharactersChanged } from '../../lib/characters/context';
import { putFile } from '../../lib/db/files';
import { getDb } from '../../lib/db/schema';
import type { RequestName, RequestOf, ResponseOf } from '../../lib/messaging/protocol';
import type { HandlerContext, PartialHandlers } from '../../lib/messaging/transport';
import { createSoraHttp } from '../../lib/sora/http';
import { createSim, loadFixture } from '../sim/app';
import { randomSentinel } from './harness/random-sentinel';

const ctx = { sender: {} } as HandlerContext;

function call<K extends RequestName>(
  handlers: PartialHandlers,
  name: K,
  req: RequestOf<K>,
): Promise<ResponseOf<K>> {
  const handler = handlers[name];
  if (!handler) throw new Error(`no handler for ${name}`);
  return Promise.resolve(handler(req, ctx));
}

let stop: (() => void) | null = null;
beforeEach(() => fakeBrowser.reset());
afterEach(() => {
  stop?.();
  stop = null;
});

describe('characters background', () => {
  it('creates, reports changes, keeps the alarm while work is open, removes', async () => {
    const sim = createSim({ speed: 0, seed: 3 });
    const token = sim.control.accessToken('ada@example.com');
    const http = createSoraHttp({
      fetch: sim.fetch,
      getAccessToken: async () => token,
      sentinel: randomSentinel(),
      now: () => sim.clock.now(),
    });
    const events: CharactersChanged[] = [];
    fakeBrowser.runtime.onMessage.addListener((message: unknown) => {
      const m = message as { kind?: string; name?: string; payload?: CharactersChanged };
      if (m.kind === 'event' && m.name === 'characters.changed' && m.payload) events.push(m.payload);
      return undefined;
    });
    const bg = createCharactersBackground(http);
    stop = () => bg.flow.dispose();

    const db = await getDb();
    const fileId = await putFile(
      db,
      new Blob([loadFixture('video-clean-landscape.mp4')], { type: 'video/mp4' }),
      'me.mp4',
    );
    const { character } = await call(bg.handlers, 'characters.create', { fileId, timestamps: [0, 2] });
    expect(character.state).toBe('uploading');
    await bg.flow.tick();
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(CHARACTERS_ALARM)).toBeDefined());

    const { characters } = await call(bg.handlers, 'characters.list', {});
    expect(characters).toHaveLength(1);
    expect(characters[0]).toMatchObject({ state: 'processing', cameoId: expect.stringMatching(/^cameo_/) });
    expect(events.some((e) => e.characters.some((c) => c.state === 'processing'))).toBe(true);

    await expect(
      call(bg.handlers, 'characters.create', { fileId: 'file_nope', timestamps: [0, 2] }),
    ).rejects.toMatchObject({ code: 'bad_request' });

    expect(await call(bg.handlers, 'characters.remove', { id: character.id })).toEqual({ character: null });
    expect(events.some((e) => e.removed.includes(character.id))).toBe(true);
    bg.wake();
    await vi.waitFor(async () => expect(await fakeBrowser.alarms.get(CHARACTERS_ALARM)).toBeUndefined());
    expect(sim.control.log({ method: 'DELETE' })).toHaveLength(1);
  });
});
