import { useEffect, useRef, useState } from 'preact/hooks';
import {
  type CharacterRecord,
  canRetry,
  isAuto,
  STEP_ORDER,
  stepIndex,
  WAIT_CODES,
} from '../../lib/characters/model';
import { formatDate, t } from '../../lib/i18n';
import type { SerializedError } from '../../lib/sora/errors';
import { useCharacters } from '../../lib/stores/characters';
import { insertMention } from '../../lib/stores/mention';
import { ErrorNotice } from '../ErrorNotice';
import { FinishForm } from './FinishForm';
import { Picture } from './Picture';
import { StepList } from './StepList';
import { nameOf, recordErrorText, stepText } from './text';

interface Props {
  id: string;
  onUse(): void;
}

function stateLine(r: CharacterRecord): string {
  if (r.state === 'failed') return t('characters.state.failed');
  if (r.state === 'deleting') return t('characters.state.deleting');
  const step = STEP_ORDER[stepIndex(r)] ?? 'uploading';
  return t('characters.state.inProgress', { step: stepText(r, step) });
}

/** The error line under a record, worded by where it stands. */
function errorLine(r: CharacterRecord): string | null {
  const e = r.lastError;
  if (!e || r.state === 'waiting_for_user') return null;
  if (r.state === 'failed') return recordErrorText(e);
  if (r.state === 'ready') {
    // Ready without a confirmed visibility: the publishing step gave up; else a removal that failed.
    return r.visibility === null
      ? t('characters.error.visibility', { error: recordErrorText(e) })
      : recordErrorText(e);
  }
  if (isAuto(r.state)) {
    return t(WAIT_CODES.has(e.code) ? 'characters.error.waiting' : 'characters.error.retrying', {
      error: recordErrorText(e),
    });
  }
  return null;
}

/** An inline "are you sure?" (a native confirm() would block the panel and cannot be styled or translated). */
function Confirm({ text, onYes, onNo }: { text: string; onYes(): void; onNo(): void }) {
  const keep = useRef<HTMLButtonElement>(null);
  useEffect(() => keep.current?.focus(), []);
  return (
    <div class="ch-confirm" role="alertdialog" aria-label={text}>
      <p>{text}</p>
      <div class="ch-actions">
        <button type="button" class="btn ch-danger" onClick={onYes}>
          {t('characters.confirmYes')}
        </button>
        <button type="button" class="btn" ref={keep} onClick={onNo}>
          {t('characters.confirmNo')}
        </button>
      </div>
    </div>
  );
}

/** One character: finished (use, visibility, delete) or on its way / stuck (progress, finish, retry, remove). */
export function CharacterCard({ id, onUse }: Props) {
  const record = useCharacters((s) => s.records[id]);
  const { retry, remove, setVisibility } = useCharacters.getState();
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [actionError, setActionError] = useState<SerializedError | null>(null);
  if (!record) return null;
  const r = record;
  const name = nameOf(r);
  const ready = r.state === 'ready' && r.characterId !== null;

  async function run(action: () => Promise<SerializedError | null>) {
    setBusy(true);
    setActionError(null);
    const failure = await action();
    setBusy(false);
    if (failure) setActionError(failure);
  }

  const visibilityText =
    r.visibility === null ? t('characters.visibility.unknown') : t(`characters.visibility.${r.visibility}`);
  const error = errorLine(r);

  return (
    <li
      id={`ch-card-${r.id}`}
      tabIndex={-1}
      class="ch-card card"
      data-testid="character-card"
      data-state={r.state}
      aria-busy={isAuto(r.state)}
    >
      <div class="ch-card-head">
        <Picture fileId={r.pictureFileId} name={name} size={r.state === 'waiting_for_user' ? 80 : 56} />
        <div class="ch-card-title">
          <h3 class="ch-name">{name}</h3>
          {r.username && <p class="ch-username">@{r.username}</p>}
          <p class="muted small ch-meta">
            {ready ? (
              <>
                <span data-testid="character-visibility">{visibilityText}</span>
                {' · '}
              </>
            ) : (
              <>
                <span class="ch-badge" data-testid="character-state">
                  {stateLine(r)}
                </span>
                {' · '}
              </>
            )}
            <span>{t('characters.createdOn', { date: formatDate(r.createdAt) })}</span>
          </p>
        </div>
      </div>

      {!ready && r.state !== 'waiting_for_user' && <StepList record={r} />}
      {r.state === 'processing' && r.soraStatus && (
        <p class="muted small">{t('characters.soraStatus', { status: r.soraStatus })}</p>
      )}
      {r.state === 'waiting_for_user' && <FinishForm record={r} />}
      {error && (
        <p
          class={r.state === 'failed' ? 'ch-issue' : 'muted small'}
          role={r.state === 'failed' ? 'alert' : undefined}
          data-testid="character-error"
        >
          {error}
        </p>
      )}
      {actionError && <ErrorNotice error={actionError} />}

      {confirming ? (
        <Confirm
          text={
            r.characterId !== null
              ? t('characters.confirmDelete', { username: r.username ?? name })
              : t('characters.confirmRemove')
          }
          onYes={() => {
            setConfirming(false);
            void run(() => remove(r.id));
          }}
          onNo={() => setConfirming(false)}
        />
      ) : (
        r.state !== 'deleting' && (
          <div class="ch-actions">
            {ready && r.username && (
              <button
                type="button"
                class="btn btn-primary"
                aria-label={t('characters.useOf', { name })}
                onClick={() => {
                  insertMention(r.username as string, r.characterId as string);
                  onUse();
                }}
              >
                {t('characters.use')}
              </button>
            )}
            {ready && (
              <button
                type="button"
                class="btn"
                disabled={busy}
                aria-label={t(
                  r.visibility === 'public' ? 'characters.makePrivateOf' : 'characters.makePublicOf',
                  {
                    name,
                  },
                )}
                onClick={() =>
                  void run(() => setVisibility(r.id, r.visibility === 'public' ? 'private' : 'public'))
                }
              >
                {t(r.visibility === 'public' ? 'characters.makePrivate' : 'characters.makePublic')}
              </button>
            )}
            {canRetry(r) && (
              <button
                type="button"
                class="btn"
                disabled={busy}
                aria-label={t('characters.retryOf', { name })}
                onClick={() => void run(() => retry(r.id))}
              >
                {t('characters.retry')}
              </button>
            )}
            <button
              type="button"
              class="btn"
              disabled={busy}
              aria-label={t(ready ? 'characters.deleteOf' : 'characters.removeOf', { name })}
              onClick={() => setConfirming(true)}
            >
              {t(ready ? 'characters.delete' : 'characters.remove')}
            </button>
          </div>
        )
      )}
    </li>
  );
}
