/**
 * The layers of the code, read from its source imports (type-only imports count: a type from a higher layer
 * ties the lower one to it just the same). A module may import its own layer or a lower one, never a higher
 * one, and no chain of imports may come back to where it started. docs/ARCHITECTURE.md draws the same table
 * between `<!-- layers -->` markers; the last test keeps the two equal.
 */
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, resolveLocal, sourceFiles, specifiersOf } from './harness/imports';

/** Lowest first. A path is a folder (every file under it) or a single file. */
const LAYERS: readonly { name: string; paths: readonly string[] }[] = [
  { name: 'base', paths: ['lib/util', 'lib/sora', 'lib/db'] },
  {
    name: 'features',
    paths: [
      'lib/account',
      'lib/auth',
      'lib/characters',
      'lib/create',
      'lib/enhance',
      'lib/history',
      'lib/i18n',
      'lib/jobs',
      'lib/language-setting.ts',
      'lib/media',
      'lib/remix',
      'lib/sentinel-page',
      'lib/service-status',
      'lib/settings.ts',
      'lib/storyboard',
    ],
  },
  /** The transport between pages and the background: may name feature types; features never import it. */
  { name: 'messaging', paths: ['lib/messaging'] },
  { name: 'wiring', paths: ['lib/background', 'lib/stores'] },
  { name: 'components', paths: ['components'] },
  { name: 'entrypoints', paths: ['entrypoints'] },
];

function layerOf(file: string): number {
  const path = relative(ROOT, file);
  return LAYERS.findIndex((layer) => layer.paths.some((p) => path === p || path.startsWith(`${p}/`)));
}

const files = ['lib', 'components', 'entrypoints'].flatMap((dir) => sourceFiles(join(ROOT, dir)));
const imports = new Map(
  files.map((file) => [
    file,
    specifiersOf(file, 'all')
      .map((s) => ({ specifier: s, target: resolveLocal(file, s) }))
      .filter((i): i is { specifier: string; target: string } => i?.target?.match(/\.tsx?$/) != null),
  ]),
);

/** Strongly connected components of more than one file (or a file importing itself): Tarjan's algorithm. */
function circles(): string[][] {
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  let next = 0;
  const connect = (file: string): void => {
    index.set(file, next);
    low.set(file, next);
    next += 1;
    stack.push(file);
    onStack.add(file);
    for (const { target } of imports.get(file) ?? []) {
      if (!index.has(target)) {
        connect(target);
        low.set(file, Math.min(low.get(file) ?? 0, low.get(target) ?? 0));
      } else if (onStack.has(target)) {
        low.set(file, Math.min(low.get(file) ?? 0, index.get(target) ?? 0));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string | undefined;
    do {
      member = stack.pop();
      if (member === undefined) break;
      onStack.delete(member);
      component.push(relative(ROOT, member));
    } while (member !== file);
    const selfImport = imports.get(file)?.some((i) => i.target === file);
    if (component.length > 1 || selfImport) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) connect(file);
  return found;
}

/** The table as docs/ARCHITECTURE.md draws it: highest layer first, paths wrapped at 100 columns. */
function renderTable(): string {
  const lines: string[] = [];
  for (const [i, layer] of [...LAYERS.entries()].reverse()) {
    let line = `${i}  ${layer.name.padEnd(13)}`;
    let onLine = 0;
    for (const path of layer.paths) {
      if (onLine > 0 && line.length + path.length > 100) {
        lines.push(line.trimEnd());
        line = ' '.repeat(16);
        onLine = 0;
      }
      line += `${path}  `;
      onLine += 1;
    }
    lines.push(line.trimEnd());
  }
  return lines.join('\n');
}

describe('layers', () => {
  it('places every source file in a layer', () => {
    const unplaced = files.filter((f) => layerOf(f) < 0).map((f) => relative(ROOT, f));
    expect(unplaced, 'add these to LAYERS in tests/unit/layers.test.ts').toEqual([]);
  });

  it('keeps test fakes out of lib/ (a product build would carry them)', () => {
    const fakes = files.filter((f) => /\/testing\.tsx?$/.test(f)).map((f) => relative(ROOT, f));
    expect(fakes, 'move them under tests/').toEqual([]);
  });

  it('has no import that points up', () => {
    const upward: string[] = [];
    for (const [file, list] of imports) {
      for (const { specifier, target } of list) {
        if (layerOf(target) > layerOf(file)) {
          const [from, to] = [LAYERS[layerOf(file)]?.name, LAYERS[layerOf(target)]?.name];
          upward.push(`${relative(ROOT, file)} (${from}) imports '${specifier}' (${to})`);
        }
      }
    }
    expect(upward).toEqual([]);
  });

  it('has no import circle', () => {
    expect(circles().map((files) => files.join(' ⇄ '))).toEqual([]);
  });

  it('is drawn the same in docs/ARCHITECTURE.md', () => {
    const doc = readFileSync(join(ROOT, 'docs/ARCHITECTURE.md'), 'utf8');
    const drawn = /<!-- layers -->\s*```text\n([\s\S]*?)\n```\s*<!-- \/layers -->/.exec(doc)?.[1];
    expect(drawn).toBe(renderTable());
  });
});
