/** History: search and filter queries, the repository (merge, tombstones, chunks), export / import, actions. */
import { afterEach, describe, expect, it } from 'vitest';
import type { HistoryItem } from '../../lib/db/history-record';
import { type CompanionDb, openCompanionDb } from '../../lib/db/schema';
import { rerunInput, soraUrlOf } from '../../lib/history/actions';
import { exportCsv, exportJson, ImportFileError, parseHistoryFile } from '../../lib/history/exchange';
import { isUrlExpired, orientationOf, signedUrlExpiry } from '../../lib/history/fields';
import {
  deleteHistoryItems,
  historyChunks,
  mergeHistoryItems,
  newestHistoryItems,
  patchHistoryItem,
  queryHistory,
} from '../../lib/history/repo';
import {
  applyToIndex,
  buildIndex,
  createSearch,
  DEFAULT_FILTER,
  type HistoryFilter,
  type IndexEntry,
  SEPARATOR,
  searchEntries,
  toEntry,
} from '../../lib/history/search';
import { decodeChunk, encodeChunk, loadIndex, rebuildIndex, writeSnapshot } from '../../lib/history/snapshot';

let n = 0;
const dbs: CompanionDb[] = [];
afterEach(() => {
  for (const db of dbs.splice(0)) db.close();
});
async function open() {
  const db = await openCompanionDb({ name: `history-${++n}` });
  dbs.push(db);
  return db;
}

const item = (i: number, patch: Partial<HistoryItem> = {}): HistoryItem => ({
  id: `gen_${String(i).padStart(5, '0')}`,
  taskId: `task_${i}`,
  jobId: null,
  kind: 'video',
  prompt: `A lighthouse number ${i}`,
  params: { orientation: i % 2 === 0 ? 'landscape' : 'portrait', nFrames: 300, model: 'sy_8', size: 'small' },
  url: `https://videos.openai.com/${i}.mp4?se=2030-01-01T00%3A00%3A00Z&sig=abc`,
  createdAt: 1_000_000 + i * 1000,
  status: 'ready',
  ...patch,
});

const filter = (patch: Partial<HistoryFilter>): HistoryFilter => ({ ...DEFAULT_FILTER, ...patch });

describe('search index', () => {
  const items = [
    item(1, { prompt: 'A Cat on a red roof' }),
    item(2, { prompt: '一只猫在屋顶上', kind: 'image', params: { width: 360, height: 360 } }),
    item(3, { prompt: 'current timeline:\nShot 1:\nScene: a dog', kind: 'storyboard', downloadedAt: 5 }),
    item(4, { prompt: 'Remix of the cat', kind: 'remix', status: 'violation' }),
    item(5, { prompt: 'gone', status: 'deleted' }),
    item(6, { prompt: 'Dog and cat', title: 'Evening walk' }),
  ];
  const index = buildIndex(items);
  const ids = (f: Partial<HistoryFilter>) => {
    const plain = searchEntries(index, filter(f)).map((e) => Number(e.id.slice(4)));
    // The fast search answers exactly what the plain scan does.
    expect(fast(index, filter(f)).map((e) => Number(e.id.slice(4)))).toEqual(plain);
    return plain;
  };
  const fast = createSearch();

  it('is newest first and leaves deleted items out', () => {
    expect(index.map((e) => Number(e.id.slice(4)))).toEqual([6, 4, 3, 2, 1]);
  });

  it('matches every word, in any order and case, in prompt and title', () => {
    expect(ids({ query: 'cat' })).toEqual([6, 4, 1]);
    expect(ids({ query: 'CAT roof' })).toEqual([1]);
    expect(ids({ query: 'roof cat' })).toEqual([1]);
    expect(ids({ query: 'evening' })).toEqual([6]);
    expect(ids({ query: '猫' })).toEqual([2]);
    expect(ids({ query: 'gen_00003' })).toEqual([3]);
    expect(ids({ query: 'zebra' })).toEqual([]);
  });

  it('filters by kind, status, orientation, dates and downloads', () => {
    expect(ids({ kinds: ['image', 'storyboard'] })).toEqual([3, 2]);
    expect(ids({ status: 'violation' })).toEqual([4]);
    expect(ids({ orientation: 'square' })).toEqual([2]);
    expect(ids({ orientation: 'portrait' })).toEqual([3, 1]);
    expect(ids({ from: 1_003_000, to: 1_004_000 })).toEqual([4, 3]);
    expect(ids({ downloaded: 'yes' })).toEqual([3]);
    expect(ids({ downloaded: 'no', query: 'cat' })).toEqual([6, 4, 1]);
  });

  it('updates in place: upserts keep the order, removals drop', () => {
    const next = applyToIndex(
      index,
      [toEntry(item(7)), toEntry(item(2, { prompt: 'changed' }))],
      ['gen_00001'],
    );
    expect(next.map((e) => Number(e.id.slice(4)))).toEqual([7, 6, 4, 3, 2]);
    expect(next.find((e) => e.id === 'gen_00002')?.text).toBe('changed');
    expect(index).toHaveLength(5);
  });

  it('searches 50,000 entries quickly', () => {
    const many = buildIndex(
      Array.from({ length: 50_000 }, (_, i) =>
        item(i, { prompt: `A lighthouse at dusk, take ${i}, waves and gulls` }),
      ),
    );
    const search = createSearch();
    search(many, filter({ query: 'warm up' }));
    const t0 = performance.now();
    const found = search(many, filter({ query: 'take 4999', kinds: ['video'] }));
    const ms = performance.now() - t0;
    expect(found.map((e) => e.id)).toEqual(
      searchEntries(many, filter({ query: 'take 4999' })).map((e) => e.id),
    );
    // Both words, anywhere: 4999, 14999 … 44999, 49990 … 49999.
    expect(found.length).toBe(15);
    // Generous here (CI machines vary); the Chromium figures are in docs/PERFORMANCE.md.
    expect(ms).toBeLessThan(100);
  });
});

describe('history repository', () => {
  it('merges by generation id: no duplicates, fresh URLs in, local facts kept', async () => {
    const db = await open();
    const first = await mergeHistoryItems(db, [item(1), item(2), item(1)], 10);
    expect(first.added.map((i) => i.id)).toEqual(['gen_00001', 'gen_00002']);
    const again = await mergeHistoryItems(
      db,
      [item(1, { url: 'https://new', jobId: 'x', prompt: 'other' })],
      20,
    );
    expect(again.updated).toHaveLength(1);
    expect(again.updated[0]).toMatchObject({
      url: 'https://new',
      jobId: null,
      prompt: 'A lighthouse number 1',
    });
    const same = await mergeHistoryItems(db, [item(2)], 30);
    expect(same).toMatchObject({ added: [], updated: [], skipped: 1 });
    expect(await db.count('history')).toBe(2);
  });

  it('deletes to tombstones that merges leave alone', async () => {
    const db = await open();
    await mergeHistoryItems(db, [item(1), item(2)], 1);
    expect(await deleteHistoryItems(db, ['gen_00001', 'gen_nope'], 2)).toEqual(['gen_00001']);
    const tomb = (await db.get('history', 'gen_00001'))!;
    expect(tomb).toMatchObject({ status: 'deleted', prompt: '', url: '' });
    expect((await mergeHistoryItems(db, [item(1)], 3)).skipped).toBe(1);
    expect(await patchHistoryItem(db, 'gen_00001', { downloadedAt: 9 }, 4)).toBeUndefined();
    expect((await newestHistoryItems(db, 10)).map((i) => i.id)).toEqual(['gen_00002']);
  });

  it('reads everything in exact chunks and answers indexed queries', async () => {
    const db = await open();
    const all = Array.from({ length: 25 }, (_, i) =>
      item(i, i % 5 === 0 ? { downloadedAt: i, kind: 'image' } : {}),
    );
    // Equal times must not be lost between chunks.
    all[3]!.createdAt = all[4]!.createdAt;
    await mergeHistoryItems(db, all, 1);
    const seen: string[] = [];
    for await (const chunk of historyChunks(db, 4)) seen.push(...chunk.map((c) => c.id));
    expect(seen.sort()).toEqual(all.map((i) => i.id).sort());
    const downloaded = await queryHistory(db, filter({ downloaded: 'yes' }));
    expect(downloaded.map((i) => i.id)).toEqual([
      'gen_00020',
      'gen_00015',
      'gen_00010',
      'gen_00005',
      'gen_00000',
    ]);
    expect(
      (await queryHistory(db, filter({ kinds: ['image'], query: 'number 1' }))).map((i) => i.id),
    ).toEqual(['gen_00015', 'gen_00010']);
    expect((await queryHistory(db, filter({ from: all[20]!.createdAt }))).length).toBe(5);
    expect((await queryHistory(db, DEFAULT_FILTER, 3)).map((i) => i.id)).toEqual([
      'gen_00024',
      'gen_00023',
      'gen_00022',
    ]);
  });
});

describe('search index snapshot', () => {
  const T = 1_700_000_000_000;
  it('loads from the snapshot plus what changed since, and equals a rebuild', async () => {
    const db = await open();
    await mergeHistoryItems(
      db,
      Array.from({ length: 30 }, (_, i) => item(i)),
      T,
    );
    // Made well after those writes (items stamped within the margin before it are read again anyway).
    const asOf = T + 3_600_000;
    const first = await loadIndex(db, asOf);
    expect(first).toMatchObject({ from: 'items', changed: 30 });
    await writeSnapshot(db, first);

    // After the snapshot: the engine adds one (createdAt only), the user downloads and deletes others.
    await db.put('history', item(100, { createdAt: asOf + 60_000 }));
    await patchHistoryItem(
      db,
      'gen_00003',
      { downloadedAt: T + 1, downloadedClean: true, downloadedSource: 'post_attachment' },
      asOf + 120_000,
    );
    await deleteHistoryItems(db, ['gen_00004'], asOf + 120_000);
    const next = await loadIndex(db, asOf + 200_000);
    expect(next.from).toBe('snapshot');
    expect(next.changed).toBe(3);
    const rebuilt = await rebuildIndex(db, asOf + 200_000);
    expect(next.entries).toEqual(rebuilt.entries);
    expect(next.tombstones).toEqual(['gen_00004']);
    expect(next.entries.find((e) => e.id === 'gen_00003')).toMatchObject({
      downloaded: true,
      clean: true,
      fileSource: 'post_attachment',
      fellBack: false,
    });
  });

  it('rebuilds when the snapshot misses something (a write it cannot see) or is damaged', async () => {
    const db = await open();
    await mergeHistoryItems(
      db,
      Array.from({ length: 5 }, (_, i) => item(i)),
      T,
    );
    await writeSnapshot(db, await loadIndex(db, T));
    // Written with a clock far behind: neither stamp is after the snapshot.
    await db.put('history', item(50, { createdAt: 5 }));
    const res = await loadIndex(db, T + 1000);
    expect(res.from).toBe('items');
    expect(res.entries.map((e) => e.id)).toContain('gen_00050');
    await writeSnapshot(db, res);
    const chunk = (await db.get('historyIndex', 'chunk-0')) as { ids: string };
    await db.put('historyIndex', { ...chunk, id: 'chunk-0', ids: 'broken' } as never);
    expect((await loadIndex(db, T + 2000)).from).toBe('items');
  });

  it('round-trips every field through the columnar encoding', () => {
    const entries = buildIndex([
      item(1, {
        kind: 'image',
        params: { width: 360, height: 360 },
        downloadedAt: 1,
        downloadedClean: false,
        downloadedSource: 'original',
      }),
      item(2, { kind: 'storyboard', title: 'Board', status: 'violation', prompt: `x${SEPARATOR}y 猫 🐈` }),
      item(3, { kind: 'remix', downloadedAt: 2, downloadedClean: true, downloadedSource: 'parse_service' }),
      item(4, { downloadedAt: 3, downloadedSource: 'original', downloadedFellBack: true }),
      item(5, { downloadedAt: 4, downloadedClean: true, downloadedSource: 'post_attachment' }),
    ]);
    expect(entries.map((e) => [e.clean, e.fileSource, e.fellBack])).toEqual([
      [true, 'post_attachment', false],
      [false, 'original', true],
      [true, 'parse_service', false],
      [false, null, false],
      [false, 'original', false],
    ]);
    const out: IndexEntry[] = [];
    decodeChunk(encodeChunk('c', entries), out);
    expect(out).toEqual(entries);
  });

  it('calls a download clean only with a source checked against the draft (older records claim nothing)', () => {
    // Written by an older version: "clean", but never compared with the draft's own file.
    const legacy = toEntry(item(1, { downloadedAt: 1, downloadedClean: true }));
    expect(legacy).toMatchObject({ downloaded: true, clean: false, fileSource: null, fellBack: false });
    expect(toEntry(item(2, { downloadedAt: 1, downloadedSource: 'parse_service' })).clean).toBe(true);
  });
});

describe('export and import', () => {
  const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.secret-access-token.sig';
  const rich = (): HistoryItem[] => [
    item(1, {
      prompt: 'Shot: "quoted", with comma; and\nnew line',
      title: 'Title',
      params: {
        orientation: 'landscape',
        nFrames: 450,
        model: 'sy_ore',
        styleId: 'anime',
        cameoIds: ['ch_1'],
        accessToken: TOKEN,
      },
      thumbnailUrl: `https://videos.openai.com/t.webp?sig=${TOKEN}`,
      downloadedAt: Date.UTC(2025, 0, 2),
      width: 896,
      height: 512,
    }),
    item(2, {
      kind: 'image',
      prompt: '=HYPERLINK("evil")',
      params: { width: 360, height: 540, nVariants: 2 },
    }),
    item(3, { status: 'violation', reason: 'Policy', prompt: '猫 🐈' }),
    item(4, { status: 'deleted' }),
  ];

  for (const format of ['json', 'csv'] as const) {
    it(`${format}: round trip keeps prompts and settings, leaves out URLs, tokens and deleted items`, async () => {
      const text = format === 'json' ? exportJson(rich(), 0) : exportCsv(rich());
      expect(text).not.toContain(TOKEN);
      expect(text).not.toContain('accessToken');
      expect(text).not.toContain('videos.openai.com');
      expect(text).not.toContain('gen_00004');
      const back = parseHistoryFile(text, 99);
      expect(back.map((i) => i.id)).toEqual(['gen_00001', 'gen_00002', 'gen_00003']);
      const [a, b, c] = back;
      expect(a).toMatchObject({
        prompt: 'Shot: "quoted", with comma; and\nnew line',
        title: 'Title',
        params: {
          orientation: 'landscape',
          nFrames: 450,
          model: 'sy_ore',
          styleId: 'anime',
          cameoIds: ['ch_1'],
        },
        createdAt: item(1).createdAt,
        orientation: 'landscape',
        downloadedAt: Date.UTC(2025, 0, 2),
        url: '',
        source: 'file',
      });
      expect(b).toMatchObject({
        kind: 'image',
        prompt: '=HYPERLINK("evil")',
        params: { width: 360, height: 540, nVariants: 2 },
      });
      expect(c).toMatchObject({ status: 'violation', prompt: '猫 🐈' });

      // Importing merges: into a history that has item 1 already, only 2 and 3 are new; twice adds nothing.
      const db = await open();
      await mergeHistoryItems(db, [item(1)], 1);
      expect((await mergeHistoryItems(db, back, 2)).added).toHaveLength(2);
      expect((await mergeHistoryItems(db, back, 3)).added).toHaveLength(0);
      expect(await db.count('history')).toBe(3);
    });
  }

  it('csv cells a spreadsheet would run are defused', () => {
    const csv = exportCsv([item(2, { prompt: '=1+1' })]);
    expect(csv).toContain(`'=1+1`);
  });

  it('refuses files that are not history', () => {
    expect(() => parseHistoryFile('')).toThrow(ImportFileError);
    expect(() => parseHistoryFile('{broken')).toThrow(ImportFileError);
    expect(() => parseHistoryFile('{"items": 3}')).toThrow(ImportFileError);
    expect(() => parseHistoryFile('prompt\nhello')).toThrow(/id/);
    expect(() => parseHistoryFile('[{"prompt":"no id"}]')).toThrow(ImportFileError);
    expect(parseHistoryFile('[{"id":"gen_x","kind":"nonsense","status":"weird"}]')[0]).toMatchObject({
      kind: 'video',
      status: 'ready',
    });
  });
});

describe('item actions', () => {
  it('runs again with the stored settings', () => {
    expect(rerunInput(item(1))?.input).toEqual({
      kind: 'video',
      prompt: 'A lighthouse number 1',
      orientation: 'portrait',
      nFrames: 300,
      model: 'sy_8',
      size: 'small',
    });
    const remix = rerunInput(
      item(2, { kind: 'remix', params: { remixTargetId: `s_${'a'.repeat(32)}`, orientation: 'landscape' } }),
    );
    expect(remix?.input).toMatchObject({ kind: 'remix', remixTarget: `s_${'a'.repeat(32)}` });
    const image = rerunInput(
      item(3, { kind: 'image', params: { width: 540, height: 360, nVariants: 2, hasStartImage: true } }),
    );
    expect(image).toEqual({
      input: { kind: 'image', prompt: 'A lighthouse number 3', width: 540, height: 360, nVariants: 2 },
      withoutStartImage: true,
    });
    const board = rerunInput(item(4, { kind: 'storyboard', params: { title: 'Board', nFrames: 450 } }));
    expect(board?.input).toMatchObject({ kind: 'storyboard', title: 'Board', nFrames: 450 });
    expect(rerunInput(item(5, { prompt: ' ' }))).toBeNull();
  });

  it('opens the share link when kept, else the draft', () => {
    expect(soraUrlOf(item(1, { postId: 's_abc' }))).toBe('https://sora.chatgpt.com/p/s_abc');
    expect(soraUrlOf(item(1))).toBe('https://sora.chatgpt.com/d/gen_00001');
  });

  it('reads orientation and signed URL expiry', () => {
    expect(orientationOf(item(1, { params: {}, width: 512, height: 896 }))).toBe('portrait');
    expect(signedUrlExpiry('https://v/x.mp4?se=2030-01-01T00%3A00%3A00Z')).toBe(Date.UTC(2030, 0, 1));
    expect(isUrlExpired('https://v/x.mp4?se=2030-01-01T00%3A00%3A00Z', Date.UTC(2030, 0, 1) - 1000)).toBe(
      true,
    );
    expect(isUrlExpired('https://v/x.mp4', 0)).toBe(false);
  });
});
