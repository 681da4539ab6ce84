import { useEffect, useRef, useState } from 'preact/hooks';
import { browser } from 'wxt/browser';
import { isCharacterSource } from '../../lib/characters/validate';
import type { HistoryItem } from '../../lib/db/history-record';
import { isExtendable, soraUrlOf } from '../../lib/history/actions';
import { framesOf, isPublishable, previewImageOf } from '../../lib/history/fields';
import { toEntry } from '../../lib/history/search';
import { t } from '../../lib/i18n';
import { postUrl } from '../../lib/sora/config';
import { httpsHostOf, isSoraMediaUrl, safePreviewSrc } from '../../lib/sora/media-hosts';
import { useCharacters } from '../../lib/stores/characters';
import { useHistory } from '../../lib/stores/history';
import { openInStoryboard } from '../../lib/stores/storyboard';
import { shortPrompt } from '../queue/jobText';
import { ExtendForm } from './ExtendForm';
import { fileSourceKey } from './fileSource';
import { metaLine } from './HistoryRow';

/** Copies text and says so for a moment (screen readers hear it through the live region). */
function useCopied(): [string | null, (text: string, what: string) => void] {
  const [copied, setCopied] = useState<string | null>(null);
  useEffect(() => {
    if (copied === null) return;
    const timer = setTimeout(() => setCopied(null), 2000);
    return () => clearTimeout(timer);
  }, [copied]);
  return [
    copied,
    (text, what) => {
      void navigator.clipboard.writeText(text).then(
        () => setCopied(what),
        () => setCopied(null),
      );
    },
  ];
}

/** The on-demand preview: nothing loads until asked; a broken URL asks for a fresh one. */
function Preview({ item }: { item: HistoryItem }) {
  const [playing, setPlaying] = useState(false);
  const requestResolve = useHistory((s) => s.requestResolve);
  const stored = previewImageOf(item);
  const still = safePreviewSrc(stored);
  // Media off Sora's media host is not loaded at all: say so instead of showing an empty box.
  const offHost = [stored, item.url].find((u) => u && !safePreviewSrc(u));
  if (offHost && (item.kind === 'image' || !item.url || !isSoraMediaUrl(item.url))) {
    return (
      <p class="muted small" data-testid="history-preview-hidden">
        {t('history.previewHidden', { host: httpsHostOf(offHost) ?? offHost.slice(0, 40) })}
      </p>
    );
  }
  if (item.kind === 'image' || !item.url) {
    return still ? (
      <img
        class="hdialog-media"
        src={still}
        alt={t('history.previewAlt')}
        onError={() => requestResolve(item.id)}
      />
    ) : null;
  }
  if (playing) {
    return (
      <video
        class="hdialog-media"
        src={item.url}
        poster={still}
        controls
        autoplay
        muted
        playsinline
        data-testid="history-video"
        onError={() => requestResolve(item.id)}
      />
    );
  }
  return (
    <button type="button" class="hdialog-play" onClick={() => setPlaying(true)} data-testid="history-play">
      {still && <img src={still} alt="" onError={() => requestResolve(item.id)} />}
      <span class="hdialog-play-label">▶ {t('history.playPreview')}</span>
    </button>
  );
}

/** A link to another history item: its dialog replaces this one. */
function ItemLink({ id, onOpen }: { id: string; onOpen(id: string): void }) {
  const other = useHistory((s) => s.items[id]);
  const [missing, setMissing] = useState(false);
  useEffect(() => {
    void useHistory
      .getState()
      .loadItem(id)
      .then((found) => setMissing(!found));
  }, [id]);
  if (missing || !other) {
    return <span dir="auto">{missing ? t('history.extendedFrom.missing', { id }) : id}</span>;
  }
  const name = shortPrompt(other.title || other.prompt) || id;
  return (
    <button
      type="button"
      class="btn btn-link"
      data-testid="history-link"
      data-id={id}
      aria-label={t('history.extendedFrom.open', { prompt: name })}
      onClick={() => onOpen(id)}
    >
      <span dir="auto">{name}</span>
    </button>
  );
}

/** What this item extends, and the extensions made of it (read from the extensions alone, by kind). */
function Lineage({ item, onOpen }: { item: HistoryItem; onOpen(id: string): void }) {
  const [extensions, setExtensions] = useState<string[]>([]);
  useEffect(() => {
    let live = true;
    void useHistory
      .getState()
      .extensionsOf(item.id)
      .then((ids) => {
        if (live) setExtensions(ids);
      });
    return () => {
      live = false;
    };
  }, [item.id]);
  const source = item.extendedFrom?.historyId ?? item.extendedFrom?.generationId;
  return (
    <>
      {source && (
        <p class="small" data-testid="history-extended-from">
          {t('history.extendedFrom')} <ItemLink id={source} onOpen={onOpen} />
        </p>
      )}
      {extensions.length > 0 && (
        <div class="small" data-testid="history-extensions">
          <p class="muted">{t('history.extensions')}</p>
          <ul class="hlinks">
            {extensions.map((x) => (
              <li key={x}>
                <ItemLink id={x} onOpen={onOpen} />
              </li>
            ))}
          </ul>
        </div>
      )}
    </>
  );
}

/** Everything about one item and what can be done with it. A modal dialog: Escape closes it. */
export function ItemDialog({
  id,
  onClose,
  onRemixed,
  onOpenItem,
  startExtending = false,
}: {
  id: string;
  /** Open with the Extend form showing. */
  startExtending?: boolean;
  onClose(): void;
  onRemixed(): void;
  /** Shows another item (the video an extension continues, or an extension of this one). */
  onOpenItem(id: string): void;
}) {
  const item = useHistory((s) => s.items[id]);
  const s = useHistory.getState();
  const ref = useRef<HTMLDialogElement>(null);
  const [copied, copy] = useCopied();
  const [busy, setBusy] = useState(false);
  const [extending, setExtending] = useState(startExtending);

  useEffect(() => {
    const dialog = ref.current;
    if (dialog && !dialog.open) dialog.showModal();
    // showModal moves focus to the first control; opened for extending, the prompt is where typing goes.
    if (dialog && startExtending) dialog.querySelector<HTMLElement>('#hextend-prompt')?.focus();
  }, []);
  if (!item) return null;

  const run = (fn: () => Promise<unknown>) => async () => {
    setBusy(true);
    try {
      await fn();
    } finally {
      setBusy(false);
    }
  };
  const publishable = isPublishable(item);
  const frames = framesOf(item);
  return (
    // biome-ignore lint/a11y/useKeyWithClickEvents: the click is for the backdrop; Escape closes a modal dialog natively.
    <dialog
      ref={ref}
      class="hdialog"
      aria-labelledby="hdialog-title"
      data-testid="history-dialog"
      onClose={onClose}
      onClick={(e) => {
        // A click on the backdrop (the dialog element itself) closes it.
        if (e.target === ref.current) ref.current?.close();
      }}
    >
      <div class="hdialog-body">
        <div class="hdialog-head">
          <h2 id="hdialog-title">{t('history.details')}</h2>
          <button
            type="button"
            class="btn btn-icon"
            aria-label={t('history.close')}
            onClick={() => ref.current?.close()}
          >
            ×
          </button>
        </div>
        <Preview item={item} />
        <p class="hdialog-prompt" dir="auto" data-testid="history-dialog-prompt">
          {item.prompt || t('history.noPrompt')}
        </p>
        <p class="muted small">{metaLine(toEntry(item))}</p>
        {item.downloadedAt !== undefined && item.downloadedFile && (
          <p class="small" data-testid="history-dialog-file">
            {t('history.savedFile', {
              file: item.downloadedFile,
              source: t(
                fileSourceKey(item.downloadedSource, item.downloadedFellBack === true, item.kind) ??
                  'history.source.unknown',
              ),
            })}
          </p>
        )}
        {item.downloadedAt !== undefined && item.downloadedFellBack && (
          <p class="notice notice-warn" role="status" data-testid="history-dialog-fellback">
            {t('history.fellBackNotice')}
          </p>
        )}
        <Lineage item={item} onOpen={onOpenItem} />
        {item.reason && <p class="notice notice-warn">{item.reason}</p>}
        {item.postId && (
          <p class="small hdialog-share">
            {t('history.sharedAt')}{' '}
            <a href={postUrl(item.postId)} target="_blank" rel="noreferrer">
              {postUrl(item.postId)}
            </a>
          </p>
        )}
        <p class="visually-hidden" aria-live="polite">
          {copied ? t('history.copied', { what: copied }) : ''}
        </p>
        {extending && (
          <ExtendForm item={item} onCancel={() => setExtending(false)} onDone={() => ref.current?.close()} />
        )}
        <div class="hdialog-actions">
          {isExtendable(item) && !extending && (
            <button
              type="button"
              class="btn"
              data-testid="history-extend"
              aria-label={t('history.extendOf', {
                prompt: shortPrompt(item.title || item.prompt) || item.id,
              })}
              onClick={() => setExtending(true)}
            >
              {t('history.extend')}
            </button>
          )}
          {publishable && (
            <button
              type="button"
              class="btn btn-primary"
              data-testid="history-download-clean"
              disabled={busy}
              onClick={run(() => s.download([item.id], 'clean'))}
            >
              {t('history.downloadClean')}
            </button>
          )}
          {item.status === 'ready' && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={run(() => s.download([item.id], 'original'))}
            >
              {publishable ? t('history.downloadOriginal') : t('history.download')}
            </button>
          )}
          <button type="button" class="btn" onClick={() => copy(item.prompt, t('history.prompt'))}>
            {copied === t('history.prompt') ? t('history.copiedShort') : t('history.copyPrompt')}
          </button>
          <button
            type="button"
            class="btn"
            disabled={busy || !item.prompt}
            onClick={run(() => s.rerun(item.id))}
          >
            {t('history.runAgain')}
          </button>
          {publishable && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={run(async () => {
                if (await s.remix(item.id)) onRemixed();
              })}
            >
              {t('history.remix')}
            </button>
          )}
          {isCharacterSource(item) && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                useCharacters.getState().requestFromVideo(item.id);
                ref.current?.close();
              }}
            >
              {t('history.makeCharacter')}
            </button>
          )}
          {item.kind === 'storyboard' && (
            <button
              type="button"
              class="btn"
              onClick={() => {
                void openInStoryboard(item.prompt, frames ?? null);
                ref.current?.close();
              }}
            >
              {t('storyboard.openIn')}
            </button>
          )}
          <button
            type="button"
            class="btn"
            onClick={() => void browser.tabs.create({ url: soraUrlOf(item) })}
          >
            {t('history.openOnSora')}
          </button>
          {publishable && !item.postId && (
            <button
              type="button"
              class="btn"
              disabled={busy}
              onClick={run(async () => {
                const url = await s.share(item.id);
                if (url) copy(url, t('history.shareLink'));
              })}
            >
              {t('history.share')}
            </button>
          )}
          {item.postId && (
            <>
              <button
                type="button"
                class="btn"
                onClick={() => copy(postUrl(item.postId as string), t('history.shareLink'))}
              >
                {t('history.copyShareLink')}
              </button>
              <button type="button" class="btn" disabled={busy} onClick={run(() => s.unpublish(item.id))}>
                {t('history.unpublish')}
              </button>
            </>
          )}
          <button
            type="button"
            class="btn hbtn-danger"
            data-testid="history-delete"
            onClick={() => {
              if (!confirm(t('history.deleteConfirm', { count: 1 }))) return;
              void s.remove([item.id]);
              ref.current?.close();
            }}
          >
            {t('history.delete')}
          </button>
        </div>
      </div>
    </dialog>
  );
}
