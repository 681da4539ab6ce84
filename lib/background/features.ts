/**
 * Every feature's background part, in one list: the background builds itself from it. Adding a feature is
 * its own folder (lib/<feature>, and its part in lib/background/<feature>.ts made with `defineFeature`)
 * plus one line here. A protocol request no part answers fails to compile below.
 *
 * The order is the order of wake-ups and of signals (the account re-reads itself on a login before the
 * queue resumes).
 */
import type { Handlers } from '../messaging/transport';
import { accountFeature, authFeature } from './account';
import { charactersFeature } from './characters';
import { enhanceFeature } from './enhance';
import { createParts, createSignals, mergeHandlers, runParts } from './feature';
import { historyFeature } from './history';
import { jobsFeature } from './jobs';
import { createBackgroundSentinel, sentinelFeature } from './page-sentinel';
import { panelFeature } from './panel';
import { remixFeature } from './remix';
import { createServices } from './services';
import { storageFeature } from './storage';

export const FEATURES = [
  authFeature,
  accountFeature,
  jobsFeature,
  charactersFeature,
  storageFeature,
  historyFeature,
  enhanceFeature,
  remixFeature,
  sentinelFeature,
  panelFeature,
] as const;

/** The background's main(): services, then every part, registered synchronously. */
export function startBackground(): void {
  const signals = createSignals();
  const services = createServices({
    sentinel: createBackgroundSentinel(),
    onAccountChange: (snapshot) => signals.send('account.changed', snapshot),
    onServiceStateChange: (status) => signals.send('service.changed', status),
  });
  const parts = createParts(FEATURES, { http: services.http, services, signal: signals.send });
  // A request of the protocol that no part answers fails to compile here.
  const handlers: Handlers = mergeHandlers(parts);
  runParts(parts, handlers, signals);
}
