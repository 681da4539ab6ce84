/**
 * What the popup loads, read from its source imports. The popup registers only its own strings
 * (lib/i18n/popup.ts), so a module it loads must take `t()` from there: that `t()` accepts popup keys
 * only, and `tsc` rejects a side-panel key. These checks close the other way round — a module of the
 * popup importing the side panel's `t()` would compile, and would pull the whole catalogue back in.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../..');

function resolveLocal(from: string, specifier: string): string | null {
  if (!specifier.startsWith('.')) return null;
  const base = resolve(dirname(from), specifier);
  const candidates = [base, `${base}.ts`, `${base}.tsx`, join(base, 'index.ts'), join(base, 'index.tsx')];
  const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
  if (found) return found;
  throw new Error(`${relative(ROOT, from)}: cannot resolve ${specifier}`);
}

/** Specifiers a module loads when it runs: static imports and re-exports that are not type-only. */
function runtimeImports(file: string): string[] {
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const out: string[] = [];
  for (const node of source.statements) {
    if (ts.isImportDeclaration(node) && !node.importClause?.isTypeOnly) {
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    } else if (ts.isExportDeclaration(node) && node.moduleSpecifier && !node.isTypeOnly) {
      out.push((node.moduleSpecifier as ts.StringLiteral).text);
    }
  }
  return out;
}

/** Every module (and package) the entry loads, each with the chain of imports that brought it in. */
function importGraph(entry: string): Map<string, string[]> {
  const chains = new Map<string, string[]>([[entry, [entry]]]);
  const queue = [entry];
  for (let file = queue.shift(); file; file = queue.shift()) {
    const chain = chains.get(file) ?? [];
    for (const specifier of runtimeImports(file)) {
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
