/**
 * What a page loads before its first paint, read from its source imports: static imports and re-exports
 * that are not type-only, followed from the page's entry. Dynamic `import()` is not followed (its chunk
 * loads later). Shared by the popup and side panel import tests.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import ts from 'typescript';

export const ROOT = resolve(import.meta.dirname, '../../..');

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
