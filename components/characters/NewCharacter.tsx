import { useEffect, useRef, useState } from 'preact/hooks';
import {
  checkVideoFile,
  defaultRange,
  MAX_VIDEO_BYTES,
  MAX_VIDEO_SEC,
  type RangeProblem,
  rangeProblem,
  type VideoProblem,
  videoFileProblem,
} from '../../lib/characters/validate';
import { t } from '../../lib/i18n';
import type { SerializedError } from '../../lib/sora/errors';
import { useCharacters } from '../../lib/stores/characters';
import { dropFile, stashFile } from '../../lib/stores/files';
import { FileChooser, useFileDrop } from '../FileDrop';
import { useObjectUrl } from '../useObjectUrl';
import { CreateActions } from './CreateActions';
import { RangePicker } from './RangePicker';
import { formatSize, seconds } from './text';
import { readVideoDuration } from './videoMeta';

export interface Picked {
  file: File;
  /** null while reading, or when it could not be read. */
  durationSec: number | null;
  reading: boolean;
  problem: VideoProblem | null;
  /** What its bytes are, when that is what refused it. */
  content?: string | null;
}

export function videoIssue(p: Picked): string {
  switch (p.problem) {
    case 'type':
      return p.content === undefined
        ? t('characters.video.error.type', { type: p.file.type || p.file.name.split('.').pop() || '?' })
        : t('characters.video.error.content', { name: p.file.name });
    case 'empty':
      return t('characters.video.error.empty');
    case 'too_big':
      return t('characters.video.error.too_big', {
        size: formatSize(p.file.size),
        max: formatSize(MAX_VIDEO_BYTES),
      });
    case 'too_long':
      return t('characters.video.error.too_long', { sec: seconds(p.durationSec ?? 0), max: MAX_VIDEO_SEC });
    case 'unreadable':
      return t('characters.video.error.unreadable');
    default:
      return '';
  }
}

/**
 * "New character": pick or drop an MP4, check its type, size and length before anything else, preview it,
 * choose the part to use, send. The file goes into IndexedDB (Blobs cannot cross messaging) and the
 * background takes it from there.
 */
export function NewCharacter({ onCreated, onCancel }: { onCreated(id: string): void; onCancel?(): void }) {
  const create = useCharacters((s) => s.create);
  const [picked, setPicked] = useState<Picked | null>(null);
  const [range, setRange] = useState({ start: '0', end: '0' });
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<SerializedError | null>(null);
  const preview = useObjectUrl(picked && picked.problem === null ? picked.file : null);
  const videoRef = useRef<HTMLVideoElement>(null);
  const pickToken = useRef(0);

  async function pick(file: File) {
    const token = ++pickToken.current;
    setError(null);
    const early = videoFileProblem(file);
    setPicked({ file, durationSec: null, reading: early === null, problem: early });
    if (early) return;
    const { problem, durationSec, content } = await checkVideoFile(file, readVideoDuration);
    if (token !== pickToken.current) return;
    setPicked({ file, durationSec, reading: false, problem, ...(content === undefined ? {} : { content }) });
    if (problem === null && durationSec !== null) {
      const [s, e] = defaultRange(durationSec);
      setRange({ start: seconds(s), end: seconds(e) });
    }
  }

  const ready = picked !== null && !picked.reading && picked.problem === null && picked.durationSec !== null;
  const rProblem: RangeProblem | null = ready
    ? rangeProblem(Number(range.start), Number(range.end), picked.durationSec)
    : null;

  // Show the first frame of the chosen part while the start moves.
  useEffect(() => {
    const video = videoRef.current;
    const s = Number(range.start);
    if (video && Number.isFinite(s) && video.readyState >= 1) video.currentTime = s;
  }, [range.start]);

  const drop = useFileDrop((file) => void pick(file));

  async function submit() {
    if (!ready || !picked || busy) return;
    if (rProblem) {
      document.getElementById('ch-new-start')?.focus();
      return;
    }
    setBusy(true);
    setError(null);
    let fileId: string | null = null;
    try {
      fileId = await stashFile(picked.file, picked.file.name || 'character.mp4');
      const before = new Set(useCharacters.getState().ids);
      const failure = await create({
        fileId,
        timestamps: [Number(range.start), Number(range.end)],
        durationSec: picked.durationSec,
      });
      if (failure) {
        setError(failure);
        return;
      }
      const id = useCharacters.getState().ids.find((x) => !before.has(x));
      fileId = null;
      setPicked(null);
      if (id) onCreated(id);
    } finally {
      // Not accepted: the stored video would otherwise stay with no record to clear it.
      if (fileId) dropFile(fileId);
      setBusy(false);
    }
  }

  return (
    <form
      class="ch-new"
      aria-labelledby="ch-new-title"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void submit();
      }}
    >
      <p class="muted small">{t('characters.new.intro')}</p>
      <fieldset
        class={drop.over ? 'ch-drop ch-drop-over' : 'ch-drop'}
        data-testid="character-drop"
        {...drop.handlers}
      >
        <legend>{t('characters.video.label')}</legend>
        <div class="ch-row">
          <FileChooser
            id="ch-new-video"
            inputClass="ch-file"
            accept="video/mp4,.mp4"
            label={t('characters.video.choose')}
            aria={{ 'aria-describedby': 'ch-new-video-hint ch-new-video-issue' }}
            onFile={(file) => void pick(file)}
          />
          <span id="ch-new-video-hint" class="muted small">
            {t('characters.video.drop', { maxSec: MAX_VIDEO_SEC, maxSize: formatSize(MAX_VIDEO_BYTES) })}
          </span>
        </div>
        {picked && (
          <div class="ch-row ch-picked">
            <span class="ch-file-name" data-testid="character-video-name">
              {picked.file.name}
            </span>
            {picked.durationSec !== null && (
              <span class="muted small">
                {t('characters.video.facts', {
                  sec: seconds(picked.durationSec),
                  size: formatSize(picked.file.size),
                })}
              </span>
            )}
            <button
              type="button"
              class="btn btn-icon"
              aria-label={t('characters.video.remove', { name: picked.file.name })}
              onClick={() => {
                pickToken.current++;
                setPicked(null);
                setError(null);
              }}
            >
              <span aria-hidden="true">×</span>
            </button>
          </div>
        )}
        <p id="ch-new-video-issue" class="ch-issue" aria-live="polite" data-testid="character-video-issue">
          {picked?.reading ? t('characters.video.reading') : picked ? videoIssue(picked) : ''}
        </p>
      </fieldset>

      {ready && preview && picked && picked.durationSec !== null && (
        <>
          <video
            ref={videoRef}
            class="ch-preview"
            src={preview}
            controls
            muted
            preload="metadata"
            aria-label={t('characters.video.preview', { name: picked.file.name })}
          />
          <RangePicker
            idPrefix="ch-new"
            durationSec={picked.durationSec}
            start={range.start}
            end={range.end}
            problem={rProblem}
            onChange={(patch) => setRange((r) => ({ ...r, ...patch }))}
          />
        </>
      )}

      <CreateActions
        error={error}
        ready={ready}
        busy={busy}
        onRetry={() => void submit()}
        onCancel={onCancel}
      />
    </form>
  );
}
