/**
 * Cameo processing as a function of time: uploading → processing → generating_profile → done (three ways of
 * saying so, per the cameoDone variant), or failed, or stuck in processing.
 */
import type { CameoRec } from '../state';
import type { SimConfig } from '../types';
import { variant } from '../variants';

export interface CameoView {
  status: string;
  statusMessage: string | null;
  done: boolean;
  failed: boolean;
  progress: number;
}

export const CAMEO_FAILED_MESSAGE = "We couldn't create a character from this video. Try a clearer clip.";

export function cameoView(cameo: CameoRec, now: number, config: SimConfig): CameoView {
  const [u, p, g] = cameo.phasesMs;
  const e1 = cameo.createdAt + u;
  const e2 = e1 + p;
  const e3 = e2 + g;
  const running = (status: string, progress: number): CameoView => ({
    status,
    statusMessage: null,
    done: false,
    failed: false,
    progress: Math.round(progress * 100) / 100,
  });
  if (now < e1) return running('uploading', 0.1);
  if (cameo.outcome === 'stall') return running('processing', 0.4);
  if (now < e2) return running('processing', 0.1 + (0.5 * (now - e1)) / Math.max(1, p));
  if (cameo.outcome === 'fail') {
    return {
      status: 'failed',
      statusMessage: CAMEO_FAILED_MESSAGE,
      done: false,
      failed: true,
      progress: 0.6,
    };
  }
  if (now < e3) return running('generating_profile', 0.6 + (0.4 * (now - e2)) / Math.max(1, g));
  switch (variant(config, 'cameoDone', cameo.id)) {
    case 'finalized':
      return { status: 'finalized', statusMessage: null, done: true, failed: false, progress: 1 };
    case 'completed_message':
      return { status: 'in_progress', statusMessage: 'Completed', done: true, failed: false, progress: 1 };
    case 'asset_url_only':
      return { status: 'generating_profile', statusMessage: null, done: true, failed: false, progress: 1 };
  }
}
