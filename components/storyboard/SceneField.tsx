import { useLayoutEffect, useRef, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import {
  insertMention,
  MAX_SCENE_CHARS,
  type MentionCandidate,
  type MentionQuery,
  matchMentions,
  mentionAt,
} from '../../lib/storyboard';

interface Props {
  id: string;
  label: string;
  value: string;
  mentions: readonly MentionCandidate[];
  describedBy?: string;
  invalid: boolean;
  placeholder?: string;
  onChange(value: string): void;
  onFocus?(): void;
  onBlur?(): void;
}

/**
 * A scene textarea that suggests the user's characters after `@`. The list follows the listbox pattern
 * with `aria-activedescendant`, so focus stays in the text: ↑/↓ choose, Enter or Tab accept, Escape closes
 * (until the caret leaves that mention).
 */
export function SceneField({
  id,
  label,
  value,
  mentions,
  describedBy,
  invalid,
  placeholder,
  onChange,
  onFocus,
  onBlur,
}: Props) {
  const ref = useRef<HTMLTextAreaElement>(null);
  const [query, setQuery] = useState<MentionQuery | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState<number | null>(null);
  const caretAfterRender = useRef<number | null>(null);

  const matches = query && query.start !== dismissed ? matchMentions(mentions, query.query) : [];
  const open = matches.length > 0;
  const listId = `${id}-mentions`;
  const optionId = (i: number) => `${id}-mention-${i}`;

  useLayoutEffect(() => {
    const caret = caretAfterRender.current;
    if (caret === null || !ref.current) return;
    caretAfterRender.current = null;
    ref.current.setSelectionRange(caret, caret);
  });

  function track(el: HTMLTextAreaElement) {
    const caret = el.selectionStart === el.selectionEnd ? el.selectionStart : -1;
    const next = caret < 0 ? null : mentionAt(el.value, caret);
    setQuery(next);
    if (next?.start !== query?.start || next?.query !== query?.query) setActive(0);
    if (next === null || next.start !== dismissed) setDismissed(null);
  }

  function accept(candidate: MentionCandidate) {
    const el = ref.current;
    if (!el || !query) return;
    const result = insertMention(el.value, query, el.selectionStart, candidate.username);
    caretAfterRender.current = result.caret;
    setQuery(null);
    onChange(result.text);
  }

  return (
    <div class="sb-scene">
      <textarea
        ref={ref}
        id={id}
        rows={3}
        value={value}
        placeholder={placeholder}
        data-focus="scene"
        aria-label={label}
        aria-describedby={describedBy}
        aria-invalid={invalid ? true : undefined}
        aria-autocomplete="list"
        aria-controls={open ? listId : undefined}
        aria-activedescendant={open ? optionId(Math.min(active, matches.length - 1)) : undefined}
        // Far above the validation limit: it only stops a runaway paste from freezing the panel.
        maxLength={MAX_SCENE_CHARS * 4}
        onInput={(e) => {
          onChange(e.currentTarget.value);
          track(e.currentTarget);
        }}
        onClick={(e) => track(e.currentTarget)}
        onKeyUp={(e) => {
          if (e.key === 'ArrowLeft' || e.key === 'ArrowRight' || e.key === 'Home' || e.key === 'End') {
            track(e.currentTarget);
          }
        }}
        onFocus={onFocus}
        onBlur={() => {
          setQuery(null);
          onBlur?.();
        }}
        onKeyDown={(e) => {
          if (!open) return;
          const current = Math.min(active, matches.length - 1);
          if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
            e.preventDefault();
            const delta = e.key === 'ArrowDown' ? 1 : matches.length - 1;
            setActive((current + delta) % matches.length);
          } else if ((e.key === 'Enter' || e.key === 'Tab') && !e.shiftKey && !e.altKey) {
            const chosen = matches[current];
            if (!chosen) return;
            e.preventDefault();
            accept(chosen);
          } else if (e.key === 'Escape') {
            e.preventDefault();
            e.stopPropagation();
            setDismissed(query?.start ?? null);
          }
        }}
      />
      {open && (
        <div class="sb-mentions" id={listId} role="listbox" aria-label={t('storyboard.mentions.label')}>
          {matches.map((c, i) => (
            // biome-ignore lint/a11y/useKeyWithClickEvents: the keyboard picks through the textarea (aria-activedescendant); focus never moves here.
            <div
              key={c.username}
              id={optionId(i)}
              role="option"
              aria-selected={i === Math.min(active, matches.length - 1)}
              class="sb-mention"
              tabIndex={-1}
              // Keep focus (and the caret) in the textarea while the pointer picks.
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => accept(c)}
            >
              <span class="sb-mention-user">@{c.username}</span>
              {c.displayName !== c.username && <span class="muted small"> {c.displayName}</span>}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}
