import { useEffect, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useCharacters } from '../../lib/stores/characters';
import { ErrorNotice } from '../ErrorNotice';
import { CharacterCard } from './CharacterCard';
import { FromVideo } from './FromVideo';
import { NewCharacter } from './NewCharacter';
import './characters.css';

/**
 * Side panel → Characters: create one from a video (pick, range, progress, finish), and the list of the
 * user's characters, finished or half-created, with what can be done to each.
 */
export function CharactersView({ onShowCreate }: { onShowCreate(): void }) {
  const start = useCharacters((s) => s.start);
  const ids = useCharacters((s) => s.ids);
  const loaded = useCharacters((s) => s.loaded);
  const error = useCharacters((s) => s.error);
  const hydrate = useCharacters((s) => s.hydrate);
  const [open, setOpen] = useState(false);
  const [source, setSource] = useState<'upload' | 'generation'>('upload');
  // Numbered, so asking again for the same video (after choosing another) chooses it again.
  const [preselect, setPreselect] = useState<{ id: string; n: number } | null>(null);
  useEffect(() => start(), [start]);
  // "Make a character from this video" in History: open the form on that video.
  const fromVideo = useCharacters((s) => s.fromVideo);
  useEffect(() => {
    const historyId = useCharacters.getState().takeFromVideo();
    if (!historyId) return;
    setOpen(true);
    setSource('generation');
    setPreselect((p) => ({ id: historyId, n: (p?.n ?? 0) + 1 }));
  }, [fromVideo]);

  const showForm = open || (loaded && ids.length === 0);
  const created = (id: string) => {
    setOpen(false);
    setPreselect(null);
    // The new card shows the progress: bring it into view for keyboard and screen-reader users.
    requestAnimationFrame(() => document.getElementById(`ch-card-${id}`)?.focus());
  };
  const cancel =
    ids.length > 0
      ? () => {
          setOpen(false);
          setPreselect(null);
        }
      : undefined;

  return (
    <div class="ch-view">
      <section class="ch-section" aria-labelledby="ch-new-title">
        <div class="ch-section-head">
          <h2 id="ch-new-title">{t('characters.new.title')}</h2>
          {!showForm && (
            <button
              type="button"
              class="btn btn-primary"
              aria-expanded="false"
              aria-controls="ch-new-form"
              onClick={() => setOpen(true)}
            >
              {t('characters.new')}
            </button>
          )}
        </div>
        {showForm && (
          <div id="ch-new-form">
            <fieldset class="ch-source" data-testid="character-source">
              <legend class="visually-hidden">{t('characters.source')}</legend>
              <label class="ch-source-option">
                <input
                  type="radio"
                  name="ch-source"
                  checked={source === 'upload'}
                  onChange={() => setSource('upload')}
                />
                {t('characters.source.upload')}
              </label>
              <label class="ch-source-option">
                <input
                  type="radio"
                  name="ch-source"
                  checked={source === 'generation'}
                  onChange={() => setSource('generation')}
                />
                {t('characters.source.generation')}
              </label>
            </fieldset>
            {source === 'upload' ? (
              <NewCharacter onCreated={created} onCancel={cancel} />
            ) : (
              <FromVideo
                key={preselect?.n ?? 0}
                initialId={preselect?.id ?? null}
                onCreated={created}
                onCancel={cancel}
              />
            )}
          </div>
        )}
      </section>

      <section class="ch-section" aria-labelledby="ch-list-title">
        <h2 id="ch-list-title">{t('characters.title')}</h2>
        {error && <ErrorNotice error={error} onRetry={() => void hydrate()} />}
        {!loaded ? (
          <p class="muted">{t('characters.loading')}</p>
        ) : ids.length === 0 ? (
          <p class="muted">{t('characters.empty')}</p>
        ) : (
          <ul class="ch-list" aria-labelledby="ch-list-title">
            {ids.map((id) => (
              <CharacterCard key={id} id={id} onUse={onShowCreate} />
            ))}
          </ul>
        )}
      </section>
    </div>
  );
}
