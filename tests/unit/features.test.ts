/**
 * The background builds itself from one list of features (lib/background/features.ts). tsc checks that every
 * protocol request has a handler (and, below, that a map missing one is refused); these tests check what tsc
 * cannot: no request answered twice, every event a part sends declared by the parts, every alarm owned by
 * exactly one part, and that the wiring delivers messages, alarms, wake-ups and signals to the parts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { CHARACTERS_ALARM } from '../../lib/background/characters';
import {
  type BackgroundPart,
  createParts,
  createSignals,
  type EmittedBy,
  type FeatureContext,
  mergeHandlers,
  type PartsOf,
  runParts,
} from '../../lib/background/feature';
import { FEATURES } from '../../lib/background/features';
import { ENGINE_ALARM } from '../../lib/background/jobs';
import { MEDIA_ALARM } from '../../lib/background/media';
import { createBackgroundSentinel } from '../../lib/background/page-sentinel';
import { createServices } from '../../lib/background/services';
import { AUTO_EXPORT_ALARM } from '../../lib/history/auto-export';
import type { EventName } from '../../lib/messaging/protocol';
import type { Handlers, PartialHandlers } from '../../lib/messaging/transport';

const BACKGROUND = resolve(import.meta.dirname, '../../lib/background');

function backgroundSources(): { file: string; text: string }[] {
  return readdirSync(BACKGROUND)
    .filter((name) => name.endsWith('.ts'))
    .map((name) => ({ file: name, text: readFileSync(join(BACKGROUND, name), 'utf8') }));
}

function realParts() {
  const services = createServices({ sentinel: createBackgroundSentinel() });
  const ctx: FeatureContext = { http: services.http, services, signal: () => {} };
  return createParts(FEATURES, ctx);
}

beforeEach(() => fakeBrowser.reset());

describe('the feature list', () => {
  it('answers every request once; a handler map missing one does not compile', () => {
    const parts = realParts();
    const names = parts.flatMap((part) => Object.keys(part.handlers ?? {}));
    expect(names.length).toBeGreaterThan(0);
    expect(names.filter((name, i) => names.indexOf(name) !== i)).toEqual([]);

    const handlers: Handlers = mergeHandlers(parts);
    const { 'prompt.enhance': enhance, ...others } = handlers;
    // @ts-expect-error 'prompt.enhance' has no handler: the map is not `Handlers`, so `serve` refuses it.
    const incomplete: Handlers = others;
    expect(enhance).toBeTypeOf('function');
    expect(Object.keys(incomplete)).toHaveLength(names.length - 1);
  });

  it('declares every event a part sends, and sends every event it declares', () => {
    // Every event of the protocol is declared by some part (checked by tsc).
    expectTypeOf<Exclude<EventName, EmittedBy<PartsOf<typeof FEATURES>>>>().toEqualTypeOf<never>();

    const declared = realParts().flatMap((part) => part.events ?? []);
    expect(declared.filter((name, i) => declared.indexOf(name) !== i)).toEqual([]);
    const sent = new Set(
      backgroundSources().flatMap(({ text }) => [...text.matchAll(/\bemit\(\s*'([^']+)'/g)].map((m) => m[1])),
    );
    expect([...sent].sort()).toEqual([...declared].sort());
  });

  it('gives every alarm the background creates exactly one owner', () => {
    const owned = realParts().flatMap((part) => Object.keys(part.alarms ?? {}));
    expect(owned.filter((name, i) => owned.indexOf(name) !== i)).toEqual([]);
    expect(owned.sort()).toEqual([AUTO_EXPORT_ALARM, CHARACTERS_ALARM, ENGINE_ALARM, MEDIA_ALARM].sort());
    // Alarms are made through these constants only: a new one created elsewhere would have no owner.
    const created = backgroundSources()
      // backstop.ts is the helper itself: it creates whichever alarm its caller names.
      .filter(({ file }) => file !== 'backstop.ts')
      .flatMap(({ file, text }) =>
        [...text.matchAll(/\b(?:persistedWorker|keepBackstop|alarms\.create)\(\s*([A-Za-z_.]+)/g)].map(
          (m) => `${file}:${m[1]}`,
        ),
      );
    expect(created.sort()).toEqual([
      'characters.ts:CHARACTERS_ALARM',
      'history.ts:AUTO_EXPORT_ALARM',
      'jobs.ts:ENGINE_ALARM',
      'media.ts:MEDIA_ALARM',
    ]);
  });
});

describe('runParts', () => {
  const popup = { id: fakeBrowser.runtime.id, url: fakeBrowser.runtime.getURL('/popup.html') };
  const request = (name: string, req: unknown = {}) => ({ channel: 'companion', kind: 'request', name, req });

  const spyPart = () => ({ start: vi.fn(), wake: vi.fn() });
  const fakePart = (extra: BackgroundPart): BackgroundPart => ({ ...spyPart(), ...extra });

  function run(parts: BackgroundPart[], handlers: PartialHandlers = {}) {
    const signals = createSignals();
    // The fakes answer only what each test asks; the background's own map is total (checked above).
    runParts(parts, handlers as Handlers, signals);
    return signals;
  }

  it('starts each part once; wakes every part on start, browser start, install and any message', async () => {
    const a = spyPart();
    const b = spyPart();
    run([a, b], { 'jobs.clearFinished': () => ({ removed: 3 }) });
    expect([a.start, b.start].map((f) => f.mock.calls.length)).toEqual([1, 1]);
    expect([a.wake, b.wake].map((f) => f.mock.calls.length)).toEqual([1, 1]);

    await fakeBrowser.runtime.onStartup.trigger();
    await fakeBrowser.runtime.onInstalled.trigger({ reason: 'update' } as never);
    expect([a.wake, b.wake].map((f) => f.mock.calls.length)).toEqual([3, 3]);

    const answers = await fakeBrowser.runtime.onMessage.trigger(request('jobs.clearFinished'), popup);
    expect(answers.find((x) => x !== undefined)).toEqual({ ok: true, value: { removed: 3 } });
    expect([a.wake, b.wake].map((f) => f.mock.calls.length)).toEqual([4, 4]);
    expect([a.start, b.start].map((f) => f.mock.calls.length)).toEqual([1, 1]);
  });

  it('hands an alarm to the part that owns it, and to no other', async () => {
    const mine = vi.fn();
    const theirs = vi.fn();
    run([fakePart({ alarms: { 'a.mine': mine } }), fakePart({ alarms: { 'b.theirs': theirs } })]);
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'a.mine', scheduledTime: 0 });
    await fakeBrowser.alarms.onAlarm.trigger({ name: 'nobody.owns', scheduledTime: 0 });
    expect(mine).toHaveBeenCalledTimes(1);
    expect(theirs).not.toHaveBeenCalled();
  });

  it('delivers a signal to every part that follows it, even when one of them fails', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const heard: string[] = [];
    const signals = run([
      fakePart({
        on: {
          'auth.changed': () => {
            throw new Error('boom');
          },
        },
      }),
      fakePart({ on: { 'auth.changed': (state) => heard.push(state.status) } }),
      fakePart({ on: { 'tick.ok': () => heard.push('tick') } }),
    ]);
    signals.send('auth.changed', { status: 'logged_in' });
    expect(heard).toEqual(['logged_in']);
  });

  it('keeps waking the other parts when one part fails to start or wake', () => {
    vi.spyOn(console, 'error').mockImplementation(() => {});
    const broken = fakePart({
      start: () => {
        throw new Error('no API');
      },
      wake: () => {
        throw new Error('no API');
      },
    });
    const fine = spyPart();
    run([broken, fine]);
    expect(fine.start).toHaveBeenCalledTimes(1);
    expect(fine.wake).toHaveBeenCalledTimes(1);
  });
});
