import { useEffect, useRef, useState } from 'preact/hooks';
import { defaultRange, type RangeProblem, rangeProblem } from '../../lib/characters/validate';
import { formatDate, t } from '../../lib/i18n';
import { type SerializedError, toSerializedError } from '../../lib/sora/errors';
import { safePreviewSrc } from '../../lib/sora/media-hosts';
import {
  findSourceVideos,
  getSourceVideo,
  type SourceVideo,
  useCharacters,
} from '../../lib/stores/characters';
import { ErrorNotice } from '../ErrorNotice';
import { CreateActions } from './CreateActions';
import { RangePicker } from './RangePicker';
import { seconds } from './text';

/** A thumbnail that steps aside when its signed link has expired (the title still names the video). */
function Thumb({ url: stored }: { url: string | null }) {
  const [broken, setBroken] = useState(false);
  // Off Sora's media host: not loaded (the title beside it still names the video).
  const url = safePreviewSrc(stored);
  if (!url || broken) return <span class="ch-gen-thumb ch-gen-thumb-none" aria-hidden="true" />;
  return <img class="ch-gen-thumb" src={url} alt="" loading="lazy" onError={() => setBroken(true)} />;
}

/**
 * "From a video you made": pick a finished video from History (searchable), choose the part, send. Nothing
 * is uploaded: the background asks Sora to make the character from the video's generation id, and the rest
 * (progress, finish, visibility, delete) is the same card as for an uploaded video.
 */
export function FromVideo({
  initialId,
  onCreated,
  onCancel,
}: {
  /** A History item to start with ("Make a character from this video"). */
  initialId?: string | null;
  onCreated(id: string): void;
  onCancel?(): void;
}) {
  const create = useCharacters((s) => s.create);
  const [query, setQuery] = useState('');
  const [videos, setVideos] = useState<SourceVideo[] | null>(null);
  const [chosen, setChosen] = useState<SourceVideo | null>(null);
  const [missing, setMissing] = useState(false);
  const [range, setRange] = useState({ start: '0', end: '0' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const [loadError, setLoadError] = useState<SerializedError | null>(null);
  const searchToken = useRef(0);

  function choose(video: SourceVideo) {
    setChosen(video);
    setError(null);
    const [s, e] = defaultRange(video.durationSec);
    setRange({ start: seconds(s), end: seconds(e) });
  }

  useEffect(() => {
    const token = ++searchToken.current;
    // A short pause while typing: History's search is fast, but each keystroke need not re-read it.
    const timer = setTimeout(
      () => {
        findSourceVideos(query).then(
          (found) => {
            if (token !== searchToken.current) return;
            setVideos(found);
            setLoadError(null);
          },
          (e: unknown) => {
            if (token === searchToken.current) setLoadError(toSerializedError(e));
          },
        );
      },
      query === '' ? 0 : 150,
    );
    return () => clearTimeout(timer);
  }, [query]);

  useEffect(() => {
    if (!initialId) return;
    setMissing(false);
    void getSourceVideo(initialId).then((video) => {
      if (!video) {
        setMissing(true);
        return;
      }
      choose(video);
      // Arriving from History, the next thing to do is the part to use: keyboard focus goes there.
      requestAnimationFrame(() => document.getElementById('ch-gen-start')?.focus());
    });
  }, [initialId]);

  const rProblem: RangeProblem | null = chosen
    ? rangeProblem(Number(range.start), Number(range.end), chosen.durationSec)
    : null;

  async function submit() {
    if (!chosen || busy) return;
    if (rProblem) {
      document.getElementById('ch-gen-start')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const before = new Set(useCharacters.getState().ids);
      const failure = await create({
        source: 'generation',
        generationId: chosen.id,
        historyId: chosen.id,
        timestamps: [Number(range.start), Number(range.end)],
        durationSec: chosen.durationSec,
      });
      if (failure) {
        setError(failure);
        return;
      }
      const id = useCharacters.getState().ids.find((x) => !before.has(x));
      setChosen(null);
      if (id) onCreated(id);
    } finally {
      setBusy(false);
    }
  }

  // The chosen video stays listed even when a search would hide it, so the choice is always visible.
  const listed = videos ?? [];
  const shown = chosen && !listed.some((v) => v.id === chosen.id) ? [chosen, ...listed] : listed;

  return (
    <form
      class="ch-new"
      aria-label={t('characters.fromVideo.form')}
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p class="muted small">{t('characters.fromVideo.intro')}</p>
      <fieldset class="ch-gen-pick">
        <legend>{t('characters.fromVideo.pick')}</legend>
        <label class="ch-gen-search">
          <span>{t('characters.fromVideo.search')}</span>
          <input
            type="search"
            value={query}
            placeholder={t('characters.fromVideo.searchPlaceholder')}
            onInput={(e) => setQuery(e.currentTarget.value)}
          />
        </label>
        {missing && (
          <p class="ch-issue" role="status">
            {t('characters.fromVideo.missing')}
          </p>
        )}
        {loadError && <ErrorNotice error={loadError} />}
        {videos === null ? (
          <p class="muted small">{t('characters.fromVideo.loading')}</p>
        ) : shown.length === 0 ? (
          <p class="muted small" data-testid="character-source-empty">
            {query.trim() === '' ? t('characters.fromVideo.none') : t('characters.fromVideo.noMatch')}
          </p>
        ) : (
          <ul class="ch-gen-list" data-testid="character-source-list">
            {shown.map((v) => (
              <li key={v.id}>
                <label class={chosen?.id === v.id ? 'ch-gen-item ch-gen-item-on' : 'ch-gen-item'}>
                  <input
                    type="radio"
                    name="ch-gen-video"
                    value={v.id}
                    checked={chosen?.id === v.id}
                    onChange={() => choose(v)}
                  />
                  <Thumb url={v.thumbnailUrl} />
                  <span class="ch-gen-text">
                    <span class="ch-gen-title" dir="auto">
                      {v.title || t('characters.fromVideo.untitled')}
                    </span>
                    <span class="muted small">
                      {t('characters.fromVideo.facts', {
                        sec: seconds(v.durationSec),
                        date: formatDate(v.createdAt),
                      })}
                    </span>
                  </span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </fieldset>

      {chosen && (
        <RangePicker
          idPrefix="ch-gen"
          durationSec={chosen.durationSec}
          start={range.start}
          end={range.end}
          problem={rProblem}
          onChange={(patch) => setRange((r) => ({ ...r, ...patch }))}
        />
      )}

      <CreateActions
        error={error}
        ready={!!chosen}
        busy={busy}
        onRetry={() => void submit()}
        onCancel={onCancel}
      />
    </form>
  );
}
