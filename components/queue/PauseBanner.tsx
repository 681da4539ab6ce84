import { useEffect, useState } from 'preact/hooks';
import { t } from '../../lib/i18n';
import { useJobs } from '../../lib/stores/jobs';
import { openSora } from '../openSora';
import { hasSentinelAccess, requestSentinelAccess } from '../sentinelAccess';
import { useNow } from '../useNow';
import { formatCountdown } from './jobText';

/** Why the queue is not sending anything, until when, and what the user can do about it. */
export function PauseBanner() {
  const pause = useJobs((s) => s.status?.pause ?? null);
  if (!pause) return null;
  return (
    <div class="notice notice-warn" role="status" data-testid="pause-banner" data-reason={pause.reason}>
      <PauseMessage reason={pause.reason} until={pause.until} />
      {(pause.reason === 'logged_out' || pause.reason === 'cloudflare_challenge') && (
        <div class="notice-actions">
          <button type="button" class="btn btn-primary" onClick={() => openSora()}>
            {pause.reason === 'logged_out' ? t('auth.logIn') : t('error.openSora')}
          </button>
        </div>
      )}
      {pause.reason === 'sentinel_unavailable' && <SentinelActions />}
    </div>
  );
}

/** Open a Sora tab (its page makes tokens), or give back site access to chatgpt.com when it was withheld. */
function SentinelActions() {
  const [canAsk, setCanAsk] = useState(false);
  useEffect(() => {
    let live = true;
    void hasSentinelAccess().then((has) => live && setCanAsk(!has));
    return () => {
      live = false;
    };
  }, []);
  return (
    <div class="notice-actions">
      <button type="button" class="btn btn-primary" onClick={() => openSora()}>
        {t('error.openSora')}
      </button>
      {canAsk && (
        <button
          type="button"
          class="btn"
          onClick={() => void requestSentinelAccess().then((granted) => granted && setCanAsk(false))}
        >
          {t('queue.paused.allowSentinel')}
        </button>
      )}
    </div>
  );
}

function PauseMessage({ reason, until }: { reason: string; until: number | null }) {
  if (reason === 'daily_limit' || reason === 'cloudflare_challenge' || reason === 'service_unavailable') {
    return <Countdown reason={reason} until={until} />;
  }
  if (reason === 'sentinel_unavailable') return <p>{t('queue.paused.sentinel_unavailable')}</p>;
  return <p>{reason === 'logged_out' ? t('queue.paused.logged_out') : t('queue.paused.user')}</p>;
}

/** Its own component: the one-second tick re-renders this line only. */
function Countdown({
  reason,
  until,
}: {
  reason: 'daily_limit' | 'cloudflare_challenge' | 'service_unavailable';
  until: number | null;
}) {
  const now = useNow(1000);
  const left = until === null ? 0 : until - now;
  if (left <= 0) {
    if (reason === 'daily_limit') return <p>{t('queue.paused.daily_limitSoon')}</p>;
    return (
      <p>
        {reason === 'service_unavailable'
          ? t('queue.paused.service_unavailableSoon')
          : t('queue.paused.user')}
      </p>
    );
  }
  const time = <span data-testid="pause-countdown">{formatCountdown(left)}</span>;
  const [before, after] = t(`queue.paused.${reason}`, { time: '\u0000' }).split('\u0000');
  return (
    <p>
      {before}
      {time}
      {after}
    </p>
  );
}
