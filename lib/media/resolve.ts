/**
 * The `resolving` step: the URL of the file to save. Clean: a file other than the draft's own, from the
 * user's parse service or the post's attachment (only the draft's own file: saved as what it is, the
 * original). Original: the item's URL, read again from Sora when it expired. Only Sora's media host (and
 * hosts the user confirmed for the parse service) is ever fetched from.
 */
import type { DownloadJob } from '../db/download-record';
import type { HistoryItem } from '../db/history-record';
import { isUrlExpired } from '../history/fields';
import type { HistorySoraPort } from '../history/sora-port';
import { postUrl } from '../sora/config';
import { SoraError } from '../sora/errors';
import { choosePostFile, fileIdentity, findAttachment } from '../sora/media';
import { checkMediaUrl, httpsHostOf, isSoraMediaUrl } from '../sora/media-hosts';
import type { MediaContext } from './context';
import { errorOf, failure, foreignHost } from './errors';
import type { DownloadEvent } from './model';
import { patchItem, readItem } from './repo';

/** How long a parse-service link on an unconfirmed host waits before asking again (confirming wakes it). */
export const HOST_CONFIRM_WAIT_MS = 10 * 60_000;

/** The draft's own files as far as the item knows them (its stored list, its URLs). */
function ownFilesOf(it: HistoryItem): string[] {
  const ids = [...(it.draftFiles ?? []), fileIdentity(it.url), fileIdentity(it.downloadUrl)];
  return [...new Set(ids.filter((id): id is string => id !== undefined))];
}

/** Whether `url` names a file other than the draft's own; with nothing to compare against, never. */
const namesOtherFile = (url: string, own: readonly string[]): boolean =>
  own.length > 0 && !own.includes(fileIdentity(url) as string);

export async function resolveStep(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent> {
  try {
    return job.mode === 'clean' && job.postId
      ? await resolveClean(ctx, job)
      : await resolveOriginal(ctx, job);
  } catch (e) {
    return failure(ctx, job, e);
  }
}

async function resolveClean(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent> {
  const postId = job.postId as string;
  const it = await readItem(ctx, job.itemId);
  if (!it)
    return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
  let own = ownFilesOf(it);
  // Without the draft's own file nothing could be told apart from it: read it from Sora first.
  if (own.length === 0) {
    const fresh = await ctx.deps.resolveItem(it.id);
    if (fresh) own = ownFilesOf(fresh);
  }
  const settings = await ctx.deps.settings();
  let serviceProblem = '';
  if (settings.parseServiceUrl.trim() !== '') {
    let link: string | null = null;
    try {
      link = await ctx.deps.askParseService(settings.parseServiceUrl, postUrl(postId));
      if (!namesOtherFile(link, own)) {
        serviceProblem = 'The parse service named the video’s own watermarked file.';
        link = null;
      }
    } catch (e) {
      serviceProblem = errorOf(e).message;
    }
    if (link !== null) {
      const verdict = checkMediaUrl(link, settings.trustedMediaHosts);
      if (verdict.ok) return { type: 'resolved', url: link, source: 'parse_service' };
      if (verdict.reason === 'foreign_host') {
        // A host seen for the first time: nothing is fetched from it until the user says so.
        return {
          type: 'wait',
          delayMs: HOST_CONFIRM_WAIT_MS,
          error: {
            code: 'host_unconfirmed',
            message: `The parse service's file is on ${verdict.host}: confirm that host first.`,
            host: verdict.host,
          },
        };
      }
      serviceProblem = 'The parse service answered a link that is not https.';
    }
  }
  let post: Awaited<ReturnType<HistorySoraPort['getPost']>>;
  try {
    post = await ctx.deps.sora.getPost(postId);
  } catch (e) {
    if (e instanceof SoraError && e.code === 'not_found' && job.postWasKept) {
      await patchItem(ctx, job.itemId, { postId: undefined });
      return { type: 'postGone' };
    }
    return failure(ctx, job, e);
  }
  const att = findAttachment(post, job.itemId);
  const choice = att ? choosePostFile(att, own) : ({ kind: 'none' } as const);
  // A post file off Sora's media host is not taken: say so rather than skip it silently.
  if (choice.kind !== 'none' && !isSoraMediaUrl(choice.url)) {
    const offHost = `Sora's post pointed at a file on ${httpsHostOf(choice.url) ?? 'a non-https address'}, not on its media host; it was not fetched.`;
    return { type: 'noClean', message: serviceProblem ? `${offHost} ${serviceProblem}` : offHost };
  }
  if (choice.kind === 'other') return { type: 'resolved', url: choice.url, source: 'post_attachment' };
  // The post hands back the draft's own file: save it, as what it is (the user is told it fell back).
  if (choice.kind === 'draft_file') return { type: 'resolved', url: choice.url, source: 'original' };
  const why = 'Sora offered no watermark-free file for this video.';
  return { type: 'noClean', message: serviceProblem ? `${why} ${serviceProblem}` : why };
}

async function resolveOriginal(ctx: MediaContext, job: DownloadJob): Promise<DownloadEvent> {
  let it = await readItem(ctx, job.itemId);
  if (!it)
    return { type: 'fail', error: { code: 'item_missing', message: 'The item is no longer in history.' } };
  const pick = (i: HistoryItem) => i.downloadUrl || i.url;
  let url = pick(it);
  // A URL past its signature (or answering 403 / 404) is read again from Sora first. Only Sora's media
  // host is ever HEAD-checked; a URL elsewhere is refused below without a request.
  if (
    !url ||
    isUrlExpired(url, ctx.now()) ||
    (isSoraMediaUrl(url) && (await ctx.deps.checkUrl(url)) === 'dead')
  ) {
    const fresh = await ctx.deps.resolveItem(it.id);
    if (!fresh) {
      return {
        type: 'fail',
        error: { code: 'item_missing', message: 'Sora no longer lists this generation.' },
      };
    }
    it = fresh;
    url = pick(fresh);
  }
  if (!url)
    return { type: 'fail', error: { code: 'item_missing', message: 'Sora has no file for this item.' } };
  if (!isSoraMediaUrl(url)) return foreignHost(url);
  return { type: 'resolved', url, source: 'original' };
}
