import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { parsePatience } from '../../components/settings/validate';
import { followPatience } from '../../lib/background/patience';
import { DEFAULT_FLOW_OPTIONS } from '../../lib/characters/context';
import { DEFAULT_ENGINE_OPTIONS } from '../../lib/jobs/context';
import { PUBLISH_SETTLE_MS, WAIT_MS } from '../../lib/media/worker';
import { DEFAULT_SETTINGS, loadSettings, normalizeSettings, saveSettings } from '../../lib/settings';
import { DEFAULT_TIMEOUT_MS } from '../../lib/sora/config';
import { clampPatienceSec, PATIENCE_SEC, patienceWaits } from '../../lib/util/patience';

beforeEach(() => fakeBrowser.reset());

describe('the waits derived from "wait for Sora to answer"', () => {
  it('with the default (30 s) are exactly the waits the product always had', () => {
    expect(DEFAULT_SETTINGS.patienceSec).toBe(30);
    expect(patienceWaits(30)).toEqual({
      requestTimeoutMs: 30_000,
      orphanGraceMs: 60_000,
      publishSettleMs: 45_000,
      recheckMs: 60_000,
    });
    // …and the features' own defaults are those numbers.
    expect(DEFAULT_TIMEOUT_MS).toBe(30_000);
    expect(DEFAULT_ENGINE_OPTIONS.orphanGraceMs).toBe(60_000);
    expect(DEFAULT_ENGINE_OPTIONS.serviceRecheckMs).toBe(60_000);
    expect(PUBLISH_SETTLE_MS).toBe(45_000);
    expect(WAIT_MS).toBe(60_000);
    expect(DEFAULT_FLOW_OPTIONS.waitMs).toBe(60_000);
  });

  it('keep their order for every value the setting allows', () => {
    for (let sec = PATIENCE_SEC.min; sec <= PATIENCE_SEC.max; sec++) {
      const w = patienceWaits(sec);
      expect(w.requestTimeoutMs, `${sec}`).toBe(sec * 1000);
      // Nothing is sent again, and "not among your posts" is not believed, before the request gave up.
      expect(w.orphanGraceMs, `${sec}`).toBeGreaterThan(w.requestTimeoutMs);
      expect(w.publishSettleMs, `${sec}`).toBeGreaterThan(w.requestTimeoutMs);
      // A re-check never starts while the previous look may still hang.
      expect(w.recheckMs, `${sec}`).toBeGreaterThan(w.requestTimeoutMs);
      // The service re-check still doubles up to its ceiling.
      expect(w.recheckMs, `${sec}`).toBeLessThanOrEqual(DEFAULT_ENGINE_OPTIONS.serviceRecheckMaxMs);
    }
  });

  it('stay within the setting’s range whatever they are given', () => {
    expect(clampPatienceSec(1)).toBe(5);
    expect(clampPatienceSec(1000)).toBe(120);
    expect(clampPatienceSec(7.4)).toBe(7);
    expect(clampPatienceSec(Number.NaN)).toBe(30);
    expect(clampPatienceSec('10')).toBe(30);
    expect(patienceWaits(0).requestTimeoutMs).toBe(5_000);
    expect(patienceWaits(Number.POSITIVE_INFINITY).requestTimeoutMs).toBe(30_000);
  });
});

describe('the patienceSec setting', () => {
  it('is a whole number of seconds from 5 to 120; anything else stored falls back to 30', () => {
    for (const ok of [5, 8, 30, 120]) expect(normalizeSettings({ patienceSec: ok }).patienceSec).toBe(ok);
    for (const bad of [4, 121, 7.5, '10', null, -1, Number.NaN])
      expect(normalizeSettings({ patienceSec: bad }).patienceSec, String(bad)).toBe(30);
  });

  it('saves and loads, the other settings kept', async () => {
    await saveSettings({ concurrency: 2 });
    await saveSettings({ patienceSec: 8 });
    expect(await loadSettings()).toMatchObject({ concurrency: 2, patienceSec: 8 });
    await saveSettings({ patienceSec: 500 });
    expect((await loadSettings()).patienceSec).toBe(30);
  });

  it('what the user types is checked before it is saved', () => {
    expect(parsePatience('5')).toBe(5);
    expect(parsePatience(' 120 ')).toBe(120);
    for (const bad of ['4', '121', '7.5', '', 'abc', '1e2', '-5', '08x'])
      expect(parsePatience(bad), bad).toBeUndefined();
  });

  it('reaches the background at once when it changes, with no restart', async () => {
    await saveSettings({ patienceSec: 20 });
    const waits = followPatience();
    expect((await waits()).requestTimeoutMs).toBe(20_000);
    await saveSettings({ patienceSec: 6 });
    await vi.waitFor(async () => expect(await waits()).toMatchObject({ requestTimeoutMs: 6_000 }));
    expect(await waits()).toEqual(patienceWaits(6));
  });
});
