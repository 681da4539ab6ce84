/**
 * Launches Debian's Chromium with the built extension, wired to the simulator as if it were Sora:
 * host-resolver rules send sora.chatgpt.com and videos.openai.com to the simulator's port, and the
 * simulator's self-signed certificate is accepted. The extension under test is the real build.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { type BrowserContext, chromium, type Worker } from '@playwright/test';
import { hostResolverRules } from '../sim/server';
import type { LoginResult, SimConfigPatch } from '../sim/types';

/**
 * The simulator as every e2e test and the demo meet it first: strict sentinel mode (only page-SDK tokens with the
 * device id and verified proofs of work pass, as on the real service since January 2026), pages with the SDK.
 */
export const E2E_SIM_CONFIG: SimConfigPatch = { sentinelMode: 'strict', pageSentinel: true };

export const EXTENSION_DIR = path.resolve(import.meta.dirname, '../../.output/chrome-mv3');

export function chromiumPath(): string {
  const candidates = [process.env.CHROMIUM_PATH, process.env.CHROME_PATH, '/usr/bin/chromium'];
  const found = candidates.find((p): p is string => !!p && existsSync(p));
  if (!found) throw new Error('No Chromium found: install Debian chromium or set CHROMIUM_PATH.');
  return found;
}

/** Every host the simulator plays (Sora, its media host, auth, chatgpt.com's sentinel service) → its port. */
export function hostRules(port: number): string {
  return hostResolverRules(port);
}

export function newProfileDir(downloadDir?: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'companion-profile-'));
  mkdirSync(path.join(dir, 'Default'), { recursive: true });
  const prefs: Record<string, unknown> = { extensions: { ui: { developer_mode: true } } };
  if (downloadDir) prefs.download = { default_directory: downloadDir, prompt_for_download: false };
  writeFileSync(path.join(dir, 'Default', 'Preferences'), JSON.stringify(prefs));
  return dir;
}

export interface LaunchOptions {
  port: number;
  profileDir: string;
  headless?: boolean;
  locale?: string;
  colorScheme?: 'light' | 'dark';
}

export async function launchWithExtension(opts: LaunchOptions): Promise<BrowserContext> {
  if (!existsSync(path.join(EXTENSION_DIR, 'manifest.json'))) {
    throw new Error(`The extension is not built: run "npm run build" first (${EXTENSION_DIR}).`);
  }
  return chromium.launchPersistentContext(opts.profileDir, {
    executablePath: chromiumPath(),
    headless: opts.headless ?? true,
    locale: opts.locale,
    colorScheme: opts.colorScheme,
    viewport: { width: 1100, height: 800 },
    args: [
      `--disable-extensions-except=${EXTENSION_DIR}`,
      `--load-extension=${EXTENSION_DIR}`,
      `--host-resolver-rules=${hostRules(opts.port)}`,
      '--ignore-certificate-errors',
      '--no-sandbox',
      '--disable-quic',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      ...(opts.locale ? [`--lang=${opts.locale}`] : []),
    ],
  });
}

export async function extensionWorker(context: BrowserContext): Promise<Worker> {
  const existing = context.serviceWorkers().find((w) => w.url().startsWith('chrome-extension://'));
  return existing ?? context.waitForEvent('serviceworker');
}

export function extensionIdOf(worker: Worker): string {
  return new URL(worker.url()).host;
}

/** The browser cookies a login on sora.chatgpt.com leaves (the session, httpOnly, and the device id). */
export function soraLoginCookies(result: LoginResult) {
  return [...result.cookies, result.deviceId].map((c) => ({
    name: c.name,
    value: c.value,
    url: 'https://sora.chatgpt.com',
    secure: true,
    httpOnly: c.name !== result.deviceId.name,
    sameSite: 'Lax' as const,
  }));
}
