import type { SimConfig, SimConfigPatch, Variants } from './types';

const DAY_SEC = 86_400;

export const DEFAULT_VARIANTS: Variants = {
  createResponse: 'full',
  pendingFields: 'full',
  draftsV2: 'ok',
  draftUrlDelaySec: 0,
  encodings: 'full',
  downloadableUrlClean: false,
  policyFailedFirst: false,
  imageUrlDelaySec: 0,
  endTs: 'rfc3339',
  deletePostStatus: 200,
  postPermalink: true,
  cameoDone: 'finalized',
  errorStatusField: false,
  postAttachmentFile: 'clean',
  mediaHost: 'sora',
  profileFeed: 'ok',
  rewritePrompts: false,
  outsideTaskEvery: 0,
};

export function defaultConfig(): SimConfig {
  return {
    seed: Math.floor(Math.random() * 2 ** 31),
    speed: 1,
    startAt: null,
    ceiling: 3,
    tokenLifetimeSec: 8 * DAY_SEC,
    sessionLifetimeSec: 90 * DAY_SEC,
    mediaUrlLifetimeSec: 3 * DAY_SEC,
    chunkedCookie: false,
    defaultPlan: 'plus',
    dailyAllowance: 30,
    costByFrames: { '150': 1, '300': 1, '450': 2, '750': 4 },
    videoPhasesSec: { preprocessing: 5, queued: 10, running: 40, processing: 5 },
    scaleVideoDuration: true,
    imagePhasesSec: { queued: 3, running: 12 },
    cameoPhasesSec: { uploading: 3, processing: 15, generating_profile: 12 },
    failedVisibleSec: 10,
    uploadMaxBytes: 10 * 1024 * 1024,
    characterUploadMaxBytes: 50 * 1024 * 1024,
    validInviteCodes: ['SIMCODE', 'ABC123'],
    takenUsernames: ['taken', 'sora', 'openai', 'admin'],
    pageSentinel: false,
    sentinelMode: 'lenient',
    sentinelDifficulty: '003fff',
    sentinelTokenLifeSec: 300,
    sentinelSingleUse: false,
    blockedPrompts: [],
    failingPrompts: [],
    logLimit: 20_000,
    variants: { ...DEFAULT_VARIANTS },
    randomVariants: null,
    randomFaults: null,
    service: 'normal',
  };
}

/** A new config: `base` with `patch` laid over it, nested groups merged key by key. */
export function mergeConfig(base: SimConfig, patch: SimConfigPatch = {}): SimConfig {
  const defined = <T extends object>(o: T | undefined): Partial<T> =>
    Object.fromEntries(Object.entries(o ?? {}).filter(([, v]) => v !== undefined)) as Partial<T>;
  const { variants, videoPhasesSec, imagePhasesSec, cameoPhasesSec, costByFrames, ...flat } = patch;
  return {
    ...base,
    ...defined(flat),
    variants: { ...base.variants, ...defined(variants) },
    videoPhasesSec: { ...base.videoPhasesSec, ...defined(videoPhasesSec) },
    imagePhasesSec: { ...base.imagePhasesSec, ...defined(imagePhasesSec) },
    cameoPhasesSec: { ...base.cameoPhasesSec, ...defined(cameoPhasesSec) },
    costByFrames: { ...base.costByFrames, ...(defined(costByFrames) as Record<string, number>) },
  };
}
