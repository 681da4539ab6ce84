/**
 * What the popup loads, read from its source imports. The popup registers only its own strings
 * (lib/i18n/popup.ts), so a module it loads must take `t()` from there: that `t()` accepts popup keys
 * only, and `tsc` rejects a side-panel key. These checks close the other way round — a module of the
 * popup importing the side panel's `t()` would compile, and would pull the whole catalogue back in.
 */
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, resolveLocal, specifiersOf } from './harness/imports';

/** Every module (and package) the entry loads, each with the chain of imports that brought it in. */
function importGraph(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    const chain = chains.get(file) ?? [];
    for (const specifier of specifiersOf(file, 'runtime')) {
      const target = resolveLocal(file, specifier) ?? `package:${specifier}`;
      if (chains.has(target)) continue;
      chains.set(target, [...chain, target]);
      if (/\.tsx?$/.test(target)) queue.push(target);
    }
  }
  return chains;
}

const popup = importGraph(join(ROOT, 'entrypoints/popup/main.tsx'));
const loaded = (path: string) => popup.get(path.startsWith('package:') ? path : join(ROOT, path));
const chain = (path: string) =>
  (loaded(path) ?? []).map((f) => (f.startsWith('package:') ? f : relative(ROOT, f))).join(' → ');

describe('what the popup loads', () => {
  it('takes its strings from lib/i18n/popup.ts', () => {
    expect(loaded('lib/i18n/popup.ts')).toBeDefined();
  });

  it.each(['lib/i18n/index.ts', 'lib/i18n/en.ts', 'lib/i18n/zh_CN.ts'])(
    'never loads the side panel strings (%s)',
    (path) => {
      expect(chain(path), 'imported through').toBe('');
    },
  );

  it('leaves the settings schema library out (valibot)', () => {
    expect(chain('package:valibot'), 'imported through').toBe('');
  });
});
