/**
 * Connects the character flow to the browser: the `characters.*` handlers, the `characters.changed` event
 * open pages follow, and the wake-ups (a timer inside the flow while a cameo is processed, plus a
 * 30-second alarm as the backstop for a stopped service worker, kept only while work is open).
 */

import { type CharacterFlow, createCharacterFlow } from '../characters/flow';
import { createCharacterPort } from '../characters/port';
import { getDb } from '../db/schema';
import { emit, type PartialHandlers } from '../messaging/transport';
import type { SoraHttp } from '../sora/http';
import type { PatienceWaits } from '../util/patience';
import { persistedWorker } from './backstop';
import { defineFeature } from './feature';
import { flowWaits, followPatience } from './patience';

export const CHARACTERS_ALARM = 'characters.flow';

export function createCharactersBackground(
  http: SoraHttp,
  onTickError?: (e: unknown) => void,
  waits: () => Promise<PatienceWaits> = followPatience(),
) {
  const flow: CharacterFlow = createCharacterFlow({
    db: getDb,
    waits: flowWaits(waits),
    onError: (e) => {
      console.warn('[characters] tick failed', e);
      onTickError?.(e);
    },
    // The picture download is a plain fetch (never the access token): see port.ts fetchMedia.
    port: createCharacterPort(http, (input, init) => fetch(input, init)),
  });

  const runner = persistedWorker(CHARACTERS_ALARM, {
    label: 'characters',
    tick: () => flow.tick(),
    isOpen: () => flow.hasOpenWork(),
  });

  flow.onChanged((change) => {
    void emit('characters.changed', change);
  });

  const handlers = {
    'characters.list': async () => ({ characters: await flow.list() }),
    'characters.create': async (req) => {
      const character = await flow.create(req);
      runner.changed();
      return { character };
    },
    'characters.finish': async ({ id, ...req }) => {
      const character = await flow.finish(id, req);
      runner.changed();
      return { character };
    },
    'characters.retry': async ({ id }) => {
      const character = await flow.retry(id);
      runner.changed();
      return { character };
    },
    'characters.remove': async ({ id }) => ({ character: await flow.remove(id) }),
    'characters.setVisibility': async ({ id, visibility }) => ({
      character: await flow.setVisibility(id, visibility),
    }),
  } satisfies PartialHandlers;

  return {
    flow,
    handlers,
    /** Every wake-up: install, startup, any message, the alarm. Cheap when nothing is open. */
    wake: runner.wake,
    alarms: runner.alarms,
  };
}

export const charactersFeature = defineFeature((ctx) => {
  const characters = createCharactersBackground(
    ctx.http,
    (e) => ctx.signal('tick.failed', e),
    ctx.services.waits,
  );
  return {
    handlers: characters.handlers,
    events: ['characters.changed'],
    alarms: characters.alarms,
    wake: characters.wake,
    on: {
      // Sora answers again: a flow waiting it out goes on now rather than at its next wake-up.
      'service.changed': (status) => {
        if (status.state === 'answering') characters.wake();
      },
    },
  };
});
