/**
 * What the popup loads, read from its source imports. The popup registers only its own strings
 * (lib/i18n/popup.ts), so a module it loads must take `t()` from there: that `t()` accepts popup keys
 * only, and `tsc` rejects a side-panel key. These checks close the other way round — a module of the
 * popup importing the side panel's `t()` would compile, and would pull the whole catalogue back in.
 */
import { describe, expect, it } from 'vitest';
import { loadedBy } from './harness/import-graph';

const { loaded, chain } = loadedBy('entrypoints/popup/main.tsx');

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
