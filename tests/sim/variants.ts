import { hash32 } from './ids';
import type { SimConfig, VariantKey, Variants } from './types';

type Choices = { [K in VariantKey]: readonly Variants[K][] };

/** What a random draw picks from; numeric variants draw between "off" and a short delay. */
const CHOICES: Choices = {
  createResponse: ['id_only', 'with_priority', 'with_task_type', 'with_quota', 'full'],
  pendingFields: ['full', 'minimal'],
  draftsV2: ['ok', 'not_found'],
  draftUrlDelaySec: [0, 5],
  encodings: ['full', 'minimal'],
  downloadableUrlClean: [false, true],
  policyFailedFirst: [false, true],
  imageUrlDelaySec: [0, 3],
  endTs: ['rfc3339', 'epoch'],
  deletePostStatus: [200, 204],
  postPermalink: [true, false],
  cameoDone: ['finalized', 'completed_message', 'asset_url_only'],
  errorStatusField: [false, true],
  postAttachmentFile: ['clean', 'draft'],
  // A hostile answer, not an unverified shape: only on request.
  mediaHost: ['sora'],
  // Absent (404) makes a client ask its user after a lost publish answer: only on request.
  profileFeed: ['ok', 'flat'],
  // Not drawn at random: they change what other tests compare (prompts, task counts); turned on by name.
  rewritePrompts: [false],
  outsideTaskEvery: [0],
};

/**
 * The variant in force for one response. `entity` names what the answer is about (a task, post, user …) so
 * one entity keeps one shape across polls; with random variants the draw is a pure function of seed, key and
 * entity, hence reproducible.
 */
export function variant<K extends VariantKey>(config: SimConfig, key: K, entity: string): Variants[K] {
  const random = config.randomVariants;
  if (!random || random.fixed?.includes(key)) return config.variants[key];
  const choices = CHOICES[key];
  const pick = choices[hash32(random.seed, key, entity) % choices.length];
  return pick === undefined ? config.variants[key] : pick;
}
