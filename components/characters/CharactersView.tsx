import { useEffect, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useCharacters } from '../../lib/stores/characters';
import { ErrorNotice } from '../ErrorNotice';
import { CharacterCard } from './CharacterCard';
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
  useEffect(() => start(), [start]);

  const showForm = open || (loaded && ids.length === 0);

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
            <NewCharacter
              onCreated={(id) => {
                setOpen(false);
                // The new card shows the progress: bring it into view for keyboard and screen-reader users.
                requestAnimationFrame(() => document.getElementById(`ch-card-${id}`)?.focus());
              }}
              onCancel={ids.length > 0 ? () => setOpen(false) : undefined}
            />
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
