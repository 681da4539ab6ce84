/**
 * "Use in a prompt": a character is used by writing `@username` in the prompt and sending its id in
 * `cameo_ids`. These helpers keep the two together: an id is sent only while its `@username` is still in
 * the prompt (the user may have deleted the mention after inserting it).
 */
import type { JobInput } from '../jobs/input';

export interface Mention {
  username: string;
  characterId: string;
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Whether `prompt` mentions `@username` as a whole word (a trailing full stop still counts). */
export function mentionedIn(prompt: string, username: string): boolean {
  const re = new RegExp(`(^|[^A-Za-z0-9_.@])@${escapeRe(username)}(?![A-Za-z0-9_]|\\.[A-Za-z0-9_])`);
  return re.test(prompt);
}

/** `text` with `@username` added at the end (on its own word), unless it is already there. */
export function appendMention(text: string, username: string): string {
  if (mentionedIn(text, username)) return text;
  const sep = text === '' || /\s$/.test(text) ? '' : ' ';
  return `${text}${sep}@${username} `;
}

/** The character ids `prompt` mentions, without repeats. */
export function cameoIdsFor(prompt: string, mentions: readonly Mention[]): string[] {
  const ids = mentions.filter((m) => mentionedIn(prompt, m.username)).map((m) => m.characterId);
  return [...new Set(ids)];
}

/** Adds the mentioned characters' ids to every input that can carry them (not images). */
export function withMentions(inputs: readonly JobInput[], mentions: readonly Mention[]): JobInput[] {
  if (mentions.length === 0) return [...inputs];
  return inputs.map((input) => {
    if (input.kind === 'image' || input.kind === 'extend') return input;
    const ids = cameoIdsFor(input.prompt, mentions);
    if (ids.length === 0) return input;
    return { ...input, cameoIds: [...new Set([...(input.cameoIds ?? []), ...ids])] };
  });
}
