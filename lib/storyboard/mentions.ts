/**
 * Character `@mentions` in scene text: which `@…` the caret is in, which characters match it, and the text
 * after accepting one. Pure string work so the editor's suggestion list can be unit-tested without a DOM.
 */

export interface MentionCandidate {
  /** What is written after `@` (Sora's cameo username). */
  username: string;
  displayName: string;
}

export interface MentionQuery {
  /** Index of the `@`. */
  start: number;
  /** The characters typed after `@` up to the caret (may be empty). */
  query: string;
}

// Usernames are lowercase letters, digits, "." and "_" (the account username rule); accept any case while
// typing so "@Ada" still finds "ada".
const USERNAME_CHAR = /[A-Za-z0-9._]/;
const MAX_QUERY = 30;

/**
 * The mention being typed at `caret`, or null. An `@` only starts a mention at the beginning of the text or
 * after whitespace or an opening bracket, so e-mail addresses ("ada@example.com") do not pop suggestions.
 */
export function mentionAt(text: string, caret: number): MentionQuery | null {
  if (caret < 1 || caret > text.length) return null;
  let i = caret - 1;
  while (i >= 0 && USERNAME_CHAR.test(text[i]!)) i -= 1;
  if (i < 0 || text[i] !== '@') return null;
  const before = i === 0 ? '' : text[i - 1]!;
  if (before !== '' && !/[\s([{"'“‘（]/.test(before)) return null;
  const query = text.slice(i + 1, caret);
  if (query.length > MAX_QUERY) return null;
  return { start: i, query };
}

/**
 * Candidates for a query: usernames that start with it first, then names containing it anywhere (username or
 * display name), each group in the given order. Case-insensitive. At most `limit`.
 */
export function matchMentions(
  candidates: readonly MentionCandidate[],
  query: string,
  limit = 8,
): MentionCandidate[] {
  const q = query.toLowerCase();
  const starts: MentionCandidate[] = [];
  const contains: MentionCandidate[] = [];
  for (const c of candidates) {
    const username = c.username.toLowerCase();
    if (username.startsWith(q)) starts.push(c);
    else if (username.includes(q) || c.displayName.toLowerCase().includes(q)) contains.push(c);
  }
  return [...starts, ...contains].slice(0, limit);
}

/**
 * Replaces the `@query` ending at `caret` with `@username ` and returns the new text and caret. An existing
 * space after the caret is reused rather than doubled.
 */
export function insertMention(
  text: string,
  mention: MentionQuery,
  caret: number,
  username: string,
): { text: string; caret: number } {
  const after = text.slice(caret);
  const spacer = after.startsWith(' ') || after.startsWith('\n') ? '' : ' ';
  const inserted = `@${username}${spacer}`;
  const next = `${text.slice(0, mention.start)}${inserted}${after}`;
  const nextCaret = mention.start + inserted.length + (spacer === '' ? 1 : 0);
  return { text: next, caret: Math.min(nextCaret, next.length) };
}

/**
 * Characters read from storage in whatever shape their module stored them. Only finished characters
 * (state `ready`, or no state at all) with a usable username are kept; the display name falls back to the username. Duplicates (same username) are dropped.
 */
export function toMentionCandidates(records: readonly unknown[]): MentionCandidate[] {
  const seen = new Set<string>();
  const out: MentionCandidate[] = [];
  for (const record of records) {
    if (!record || typeof record !== 'object') continue;
    const r = record as Record<string, unknown>;
    // lib/characters keeps Sora's suggested names on unfinished characters; only `ready` ones are final.
    if (typeof r.state === 'string' && r.state !== 'ready') continue;
    const username = typeof r.username === 'string' ? r.username.trim().replace(/^@/, '') : '';
    if (!username || !/^[A-Za-z0-9._]+$/.test(username) || seen.has(username.toLowerCase())) continue;
    seen.add(username.toLowerCase());
    const displayName =
      typeof r.displayName === 'string' && r.displayName.trim() ? r.displayName.trim() : username;
    out.push({ username, displayName });
  }
  return out;
}
