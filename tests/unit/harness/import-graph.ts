/**
 * What a page loads before its first paint, read from its source imports: static imports and re-exports
 * that are not type-only, followed from the page's entry. Dynamic `import()` is not followed (its chunk
 * loads later). Shared by the popup and side panel import tests.
 */
import { join, relative } from 'node:path';
import { ROOT, resolveLocal, specifiersOf } from './imports';

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

/**
 * The graph of `entry` (a path from the repository root): `loaded(path)` is the chain that loads a module
 * (`package:<name>` for a package), `chain(path)` the same as readable text, '' when it is not loaded.
 */
export function loadedBy(entry: string): {
  loaded(path: string): string[] | undefined;
  chain(path: string): string;
} {
  const graph = importGraph(join(ROOT, entry));
  const loaded = (path: string) => graph.get(path.startsWith('package:') ? path : join(ROOT, path));
  const chain = (path: string) =>
    (loaded(path) ?? []).map((f) => (f.startsWith('package:') ? f : relative(ROOT, f))).join(' → ');
  return { loaded, chain };
}
