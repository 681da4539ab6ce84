/**
 * What the side panel loads before its first paint, read from its source imports. The panel opens on the
 * Create view; every other view, and what only they need, is a chunk of its own fetched after the first
 * paint (components/panel). A static import of one of these from the entry's graph would put it back on
 * the first paint's critical path (docs/PERFORMANCE.md, "Side panel first view").
 */
import { describe, expect, it } from 'vitest';
import { loadedBy } from './harness/import-graph';

const { loaded, chain } = loadedBy('entrypoints/sidepanel/main.tsx');

describe('what the side panel loads before its first paint', () => {
  it('has the view it opens on', () => {
    expect(loaded('components/create/CreateView.tsx')).toBeDefined();
  });

  it.each([
    'components/storyboard/StoryboardView.tsx',
    'components/queue/QueueView.tsx',
    'components/history/HistoryView.tsx',
    'components/characters/CharactersView.tsx',
    'components/account/AccountView.tsx',
  ])('leaves the other views to their own chunks (%s)', (path) => {
    expect(chain(path), 'imported through').toBe('');
  });

  it.each([
    // The validation library: Sora's response schemas and the settings schema.
    'package:valibot',
    // IndexedDB: the Create view opens it only to keep a picked start image.
    'package:idb',
    'lib/db/schema.ts',
    // The stores of other views, which the panel follows once it has painted.
    'lib/stores/storyboard.ts',
    'lib/stores/characters.ts',
    'lib/stores/history.ts',
    // The CSV / JSON readers: loaded when a file is picked.
    'lib/create/import.ts',
    // The Chinese strings: a chunk of their own, loaded only when Chinese is in use.
    'lib/i18n/zh_CN.ts',
  ])('leaves out what the first view does not need (%s)', (path) => {
    expect(chain(path), 'imported through').toBe('');
  });
});
