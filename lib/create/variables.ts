/**
 * Prompt variables: `a {red|blue} {car|boat}` is four prompts. A group is `{` … `}` with at least one `|`
 * inside; anything else (`{cat}`, an unclosed `{`, a nested `{`) stays plain text, so ordinary braces in a
 * prompt never surprise anyone. A backslash escapes `{`, `}`, `|` and itself; any other backslash is kept.
 *
 * Combinations are counted before they are made: a prompt with ten groups of ten would be ten billion
 * strings, so callers check `countCombinations` against their cap first.
 */

/** Plain text, or the options of one group. */
export type TemplatePart = string | readonly string[];

const ESCAPABLE = new Set(['{', '}', '|', '\\']);

/** Reads the group starting at `open` (a `{`); null when it is not a group. */
function readGroup(s: string, open: number): { options: string[]; end: number } | null {
  const options: string[] = [];
  let current = '';
  for (let i = open + 1; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && ESCAPABLE.has(s[i + 1] ?? '')) {
      current += s[i + 1];
      i++;
    } else if (c === '{') {
      return null;
    } else if (c === '|') {
      options.push(current);
      current = '';
    } else if (c === '}') {
      options.push(current);
      return options.length >= 2 ? { options, end: i } : null;
    } else {
      current += c;
    }
  }
  return null;
}

export function parseTemplate(s: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  let text = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i] as string;
    if (c === '\\' && ESCAPABLE.has(s[i + 1] ?? '')) {
      text += s[i + 1];
      i++;
      continue;
    }
    if (c === '{') {
      const group = readGroup(s, i);
      if (group) {
        if (text !== '') parts.push(text);
        text = '';
        parts.push(group.options);
        i = group.end;
        continue;
      }
    }
    text += c;
  }
  if (text !== '') parts.push(text);
  return parts;
}

/** How many prompts a template makes (may be huge; never builds them). */
export function countCombinations(parts: readonly TemplatePart[]): number {
  let n = 1;
  for (const p of parts) if (typeof p !== 'string') n *= p.length;
  return n;
}

export const hasVariables = (parts: readonly TemplatePart[]): boolean =>
  parts.some((p) => typeof p !== 'string');

/**
 * Every combination, the first group varying slowest (`{a|b} {1|2}` → a 1, a 2, b 1, b 2). Throws when
 * there would be more than `limit`: callers count first.
 */
export function expandTemplate(parts: readonly TemplatePart[], limit: number): string[] {
  if (countCombinations(parts) > limit) throw new RangeError('Too many combinations');
  let out = [''];
  for (const p of parts) {
    if (typeof p === 'string') out = out.map((s) => s + p);
    else out = out.flatMap((s) => p.map((option) => s + option));
  }
  return out;
}

/** Convenience for one prompt. */
export function expandPrompt(prompt: string, limit: number): string[] {
  return expandTemplate(parseTemplate(prompt), limit);
}
