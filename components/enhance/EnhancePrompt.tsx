import { useEffect, useRef, useState } from 'preact/hooks';
import {
  checkEnhanceRequest,
  type EnhanceProblem,
  EXPANSION_LEVELS,
  type ExpansionLevel,
  enhanceDurationFor,
} from '../../lib/enhance/validate';
import { type MessageKey, t } from '../../lib/i18n';
import { MAX_PROMPT_CHARS } from '../../lib/jobs/limits';
import { send } from '../../lib/messaging/transport';
import { type SerializedError, toSerializedError } from '../../lib/sora/errors';
import { ErrorNotice } from '../ErrorNotice';
import './enhance.css';

const PROBLEM_TEXT: Record<EnhanceProblem, MessageKey> = {
  empty: 'enhance.error.empty',
  too_long: 'enhance.error.too_long',
  level: 'enhance.error.level',
  duration: 'enhance.error.duration',
};

/** The sentence the control shows when it refuses a request before sending it. */
export const enhanceProblemText = (problem: EnhanceProblem): string =>
  t(PROBLEM_TEXT[problem], { max: MAX_PROMPT_CHARS });

/**
 * ```
 *            Enhance                  answer differs
 *   idle ──────────────► busy ───────────────────────► suggested ──Use this──► accepted
 *    ▲ ▲  (bad input:     │  same text / error               │                    │
 *    │ │   refused,       ├──────────► unchanged | failed    │ Discard            │ Undo, or the
 *    │ │   nothing sent)  │             (Enhance again)      ▼                    │ text is edited
 *    │ └──────────────────┴──────────────────────────────── idle ◄───────────────┘
 * ```
 * `refused` and `failed` are idle with a message; Enhance is allowed from every state but busy.
 */
type Phase =
  | { kind: 'idle' }
  | { kind: 'refused'; problem: EnhanceProblem }
  | { kind: 'busy' }
  | { kind: 'suggested'; original: string; suggestion: string }
  | { kind: 'unchanged' }
  | { kind: 'failed'; error: SerializedError }
  | { kind: 'accepted'; original: string; accepted: string };

interface Props {
  /** Prefix of this control's element ids (unique on the page). */
  id: string;
  /** The id of the text field being enhanced: focus goes back to it after Use this and Undo. */
  fieldId: string;
  /** The field's current text. */
  text: string;
  /** The video's length in seconds; mapped to the lengths the enhancer knows. */
  seconds: number;
  /** Accessible name of the Enhance button (it names the field, e.g. "Enhance the scene of shot 2"). */
  buttonLabel: string;
  /** Accessible name of the suggestion group. */
  suggestionLabel: string;
  /** Why Enhance cannot be used right now (batch mode…); the control is then disabled and says so. */
  disabledReason?: string | null;
  /** Puts text into the field (the suggestion, or the original back). */
  onReplace(text: string): void;
}

/**
 * "Enhance" beside a prompt field: asks Sora for a longer version (medium or long), shows it beside the
 * original (below it when the panel is narrow), and lets the user take it, drop it, or undo taking it until
 * the text is edited again.
 */
export function EnhancePrompt(p: Props) {
  const [level, setLevel] = useState<ExpansionLevel>('medium');
  const [phase, setPhase] = useState<Phase>({ kind: 'idle' });
  const [announce, setAnnounce] = useState('');
  // The state update lands after a render; a second click in between must not send a second request.
  const inFlight = useRef(false);
  const alive = useRef(true);
  useEffect(
    () => () => {
      alive.current = false;
    },
    [],
  );

  // Undo is offered only while the field still holds the accepted text.
  useEffect(() => {
    if (phase.kind === 'accepted' && p.text !== phase.accepted) setPhase({ kind: 'idle' });
  }, [p.text, phase]);

  const durationS = enhanceDurationFor(p.seconds);
  const disabled = Boolean(p.disabledReason);
  const ids = {
    button: `${p.id}-button`,
    level: `${p.id}-level`,
    hint: `${p.id}-hint`,
    reason: `${p.id}-reason`,
  };
  const focus = (id: string) => requestAnimationFrame(() => document.getElementById(id)?.focus());

  async function start() {
    if (inFlight.current || disabled) return;
    const check = checkEnhanceRequest({ prompt: p.text, expansionLevel: level, durationS });
    if (!check.ok) {
      setPhase({ kind: 'refused', problem: check.problem });
      return;
    }
    inFlight.current = true;
    setPhase({ kind: 'busy' });
    setAnnounce('');
    try {
      const res = await send('prompt.enhance', check.request);
      if (!alive.current) return;
      if (res.unchanged) {
        setPhase({ kind: 'unchanged' });
      } else {
        setPhase({ kind: 'suggested', original: p.text, suggestion: res.enhancedPrompt });
        setAnnounce(t('enhance.ready'));
      }
    } catch (e) {
      if (alive.current) setPhase({ kind: 'failed', error: toSerializedError(e) });
    } finally {
      inFlight.current = false;
    }
  }

  function use(suggestion: string) {
    // Undo gives back what the field held at this moment, even if it was edited while Sora answered.
    setPhase({ kind: 'accepted', original: p.text, accepted: suggestion });
    setAnnounce(t('enhance.replaced'));
    p.onReplace(suggestion);
    focus(p.fieldId);
  }

  function undo(original: string) {
    setPhase({ kind: 'idle' });
    setAnnounce(t('enhance.restored'));
    p.onReplace(original);
    focus(p.fieldId);
  }

  function discard() {
    setPhase({ kind: 'idle' });
    setAnnounce('');
    focus(ids.button);
  }

  const busy = phase.kind === 'busy';
  // While the control is disabled (batch mode…) a suggestion or Undo would act on a different text: they
  // are hidden, and come back if the user returns.
  const shown: Phase = disabled && !busy ? { kind: 'idle' } : phase;
  return (
    <div class="enhance" data-testid="enhance">
      <div class="enhance-bar">
        <button
          type="button"
          class="btn"
          id={ids.button}
          aria-label={busy ? undefined : p.buttonLabel}
          aria-describedby={disabled ? ids.reason : ids.hint}
          aria-busy={busy || undefined}
          disabled={disabled || busy}
          onClick={() => void start()}
        >
          {busy ? t('enhance.busy') : t('enhance.button')}
        </button>
        <label class="enhance-level">
          <span>{t('enhance.level')}</span>
          <select
            id={ids.level}
            value={level}
            disabled={disabled || busy}
            onChange={(e) => setLevel(e.currentTarget.value as ExpansionLevel)}
          >
            {EXPANSION_LEVELS.map((l) => (
              <option key={l} value={l}>
                {t(`enhance.level.${l}`)}
              </option>
            ))}
          </select>
        </label>
        {!disabled && (
          <span id={ids.hint} class="muted small">
            {t('enhance.forLength', { seconds: durationS })}
          </span>
        )}
      </div>
      {disabled && (
        <p id={ids.reason} class="muted small enhance-reason">
          {p.disabledReason}
        </p>
      )}
      <p class="visually-hidden" aria-live="polite">
        {announce}
      </p>
      {shown.kind === 'refused' && (
        <p class="notice notice-error" role="alert" data-testid="enhance-refused">
          {enhanceProblemText(shown.problem)}
        </p>
      )}
      {shown.kind === 'failed' && <ErrorNotice error={shown.error} onRetry={() => void start()} />}
      {shown.kind === 'unchanged' && (
        <p class="muted small" role="status">
          {t('enhance.unchanged')}
        </p>
      )}
      {shown.kind === 'suggested' && (
        <section
          class="enhance-suggestion card"
          aria-label={p.suggestionLabel}
          data-testid="enhance-suggestion"
        >
          <div class="enhance-compare">
            <div>
              <p class="enhance-heading">{t('enhance.original')}</p>
              <p class="enhance-text muted" dir="auto" data-testid="enhance-original">
                {shown.original}
              </p>
            </div>
            <div>
              <p class="enhance-heading">{t('enhance.suggestion')}</p>
              <p class="enhance-text" dir="auto" data-testid="enhance-text">
                {shown.suggestion}
              </p>
            </div>
          </div>
          <div class="notice-actions">
            <button type="button" class="btn btn-primary" onClick={() => use(shown.suggestion)}>
              {t('enhance.use')}
            </button>
            <button type="button" class="btn" onClick={discard}>
              {t('enhance.discard')}
            </button>
          </div>
        </section>
      )}
      {shown.kind === 'accepted' && (
        <div class="enhance-accepted notice notice-ok">
          <p>{t('enhance.replaced')}</p>
          <div class="notice-actions">
            <button type="button" class="btn" onClick={() => undo(shown.original)}>
              {t('enhance.undo')}
            </button>
          </div>
        </div>
      )}
    </div>
  );
}
