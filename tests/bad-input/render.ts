/**
 * Renders the rows written by tests/unit/bad-input.test.ts (tests/unit/.bad-input.json) into the table of
 * docs/BAD-INPUT.md, between its `<!-- table:start -->` and `<!-- table:end -->` markers (the text around
 * them is kept).
 *
 *   npx vitest run tests/unit/bad-input.test.ts && npx tsx tests/bad-input/render.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface Row {
  form: string;
  input: string;
  outcome: string;
}

const START = '<!-- table:start -->';
const END = '<!-- table:end -->';

/** Table-safe: pipes escaped; line breaks and invisible characters (not the ZWJ inside emoji) as code points. */
function cell(s: string): string {
  return s
    .replace(/\|/g, '\\|')
    .replace(/\r?\n/g, ' ')
    .replace(
      /[\u200b\u200c\u200e\u200f\u2060-\u2069\ufeff]/gu,
      (c) => `U+${c.codePointAt(0)?.toString(16).toUpperCase()}`,
    );
}

function outcomeCell(outcome: string): string {
  if (outcome.startsWith('refused: ')) return `refused: ${cell(outcome.slice('refused: '.length))}`;
  if (outcome.startsWith('guarded: ')) return `guarded: ${cell(outcome.slice('guarded: '.length))}`;
  return `**${cell(outcome)}**`;
}

export function renderTable(rows: readonly Row[]): string {
  const head = '| form | input | outcome |\n| --- | --- | --- |';
  return [
    head,
    ...rows.map((r) => `| ${cell(r.form)} | ${cell(r.input)} | ${outcomeCell(r.outcome)} |`),
  ].join('\n');
}

function main(): void {
  const json = fileURLToPath(new URL('../unit/.bad-input.json', import.meta.url));
  const doc = fileURLToPath(new URL('../../docs/BAD-INPUT.md', import.meta.url));
  const { rows } = JSON.parse(readFileSync(json, 'utf8')) as { rows: Row[] };
  const text = readFileSync(doc, 'utf8');
  const a = text.indexOf(START);
  const b = text.indexOf(END);
  if (a < 0 || b < a) throw new Error(`docs/BAD-INPUT.md lacks the ${START} … ${END} markers`);
  const refused = rows.filter((r) => r.outcome.startsWith('refused')).length;
  const guarded = rows.filter((r) => r.outcome.startsWith('guarded')).length;
  const summary = `${rows.length} rows: ${refused} refused before any request, ${guarded} guarded (a request was made, but what the answer pointed at or echoed was held back and the user told why), ${rows.length - refused - guarded} accepted and kept intact.`;
  writeFileSync(
    doc,
    `${text.slice(0, a + START.length)}\n\n${summary}\n\n${renderTable(rows)}\n\n${text.slice(b)}`,
  );
  process.stdout.write(`docs/BAD-INPUT.md: ${summary}\n`);
}

main();
