/**
 * The fewest permissions that work: the manifest wxt.config.ts produces for Chrome and Firefox asks for
 * exactly the permissions below, each one is really used by the source, nothing broad is asked for, the
 * only hosts are Sora's, the content scripts run on sora.chatgpt.com only, and no manifest key opens the
 * extension to web pages (externally_connectable, web_accessible_resources) or loosens its CSP.
 * docs/PERMISSIONS.md has one row per permission and host, and every file it names exists.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import config from '../../wxt.config';

const ROOT = path.resolve(import.meta.dirname, '../..');
// Sora, its media host, and OpenAI's sentinel service (hand-made security tokens when no Sora tab is open).
const SORA_HOSTS = ['https://sora.chatgpt.com/*', 'https://videos.openai.com/*', 'https://chatgpt.com/*'];
const COMMON = [
  'alarms',
  'contextMenus',
  'cookies',
  'downloads',
  'notifications',
  'storage',
  'unlimitedStorage',
];
const EXPECTED: Record<'chrome' | 'firefox', string[]> = {
  chrome: [...COMMON, 'sidePanel'].sort(),
  firefox: [...COMMON].sort(),
};
const FORBIDDEN_PERMISSIONS = [
  'tabs',
  'scripting',
  'activeTab',
  '<all_urls>',
  'webRequest',
  'webRequestBlocking',
  'declarativeNetRequest',
  'declarativeNetRequestWithHostAccess',
  'debugger',
  'history',
  'bookmarks',
  'management',
  'nativeMessaging',
  'proxy',
  'clipboardRead',
];

type Manifest = Record<string, unknown> & {
  permissions?: string[];
  host_permissions?: string[];
  optional_permissions?: string[];
  optional_host_permissions?: string[];
};

async function manifestFor(browser: 'chrome' | 'firefox'): Promise<Manifest> {
  const make = config.manifest as unknown as (env: Record<string, unknown>) => Manifest | Promise<Manifest>;
  expect(typeof make).toBe('function');
  return make({ browser, manifestVersion: 3, mode: 'production', command: 'build' });
}

/** Every .ts / .tsx file the extension is built from (not tests). */
function sourceFiles(): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  const walk = (dir: string) => {
    for (const name of readdirSync(dir)) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) walk(full);
      else if (/\.tsx?$/.test(name) && !/\.(test|spec)\.tsx?$/.test(name)) {
        out.push({ file: path.relative(ROOT, full), text: readFileSync(full, 'utf8') });
      }
    }
  };
  for (const dir of ['entrypoints', 'lib', 'components']) walk(path.join(ROOT, dir));
  return out;
}

/** Where the source calls the API a permission unlocks. */
const USES: Record<string, RegExp> = {
  storage: /\bbrowser\.storage\.(local|session|sync|onChanged)\b/,
  cookies: /\bbrowser\.cookies\b/,
  alarms: /\bbrowser\.alarms\.(create|clear|onAlarm)\b/,
  notifications: /\bbrowser\.notifications\.create\b/,
  downloads: /\bbrowser\.downloads\.(download|search|cancel|onChanged)\b/,
  contextMenus: /\bbrowser\.contextMenus\b/,
  sidePanel: /\bsidePanel\??\.(open|setPanelBehavior|setOptions)\b/,
  // No API of its own: it lifts the quota and eviction that persistent storage and the usage shown rely on.
  unlimitedStorage: /\bnavigator\.storage\??\.(persist|estimate)\b/,
};

describe('the manifest asks for the fewest permissions that work', () => {
  for (const browser of ['chrome', 'firefox'] as const) {
    it(`${browser}: exactly the expected permissions, Sora's hosts only, nothing optional or broad`, async () => {
      const m = await manifestFor(browser);
      expect([...(m.permissions ?? [])].sort()).toEqual(EXPECTED[browser]);
      expect(m.host_permissions).toEqual(SORA_HOSTS);
      expect(m.optional_permissions ?? []).toEqual([]);
      expect(m.optional_host_permissions ?? []).toEqual([]);
      for (const p of FORBIDDEN_PERMISSIONS) expect(m.permissions ?? [], p).not.toContain(p);
      for (const host of m.host_permissions ?? []) {
        expect(host).toMatch(/^https:\/\/(sora\.chatgpt\.com|videos\.openai\.com|chatgpt\.com)\/\*$/);
      }
    });

    it(`${browser}: nothing opens the extension to pages or loosens its CSP`, async () => {
      const m = await manifestFor(browser);
      // No web page and no other extension can message the background.
      expect(m).not.toHaveProperty('externally_connectable');
      // No extension page can be framed or fetched by a web page.
      expect(m).not.toHaveProperty('web_accessible_resources');
      // The browser's default extension CSP applies: script-src 'self', no eval, no remote hosts.
      expect(m).not.toHaveProperty('content_security_policy');
      expect(m).not.toHaveProperty('sandbox');
      expect(m).not.toHaveProperty('content_scripts');
      expect(m).not.toHaveProperty('oauth2');
      expect(m).not.toHaveProperty('key');
    });
  }

  it('every permission is used by the source, where docs/PERMISSIONS.md says', () => {
    const files = sourceFiles();
    const doc = readFileSync(path.join(ROOT, 'docs/PERMISSIONS.md'), 'utf8');
    for (const permission of EXPECTED.chrome) {
      const pattern = USES[permission];
      expect(pattern, `a usage pattern for ${permission}`).toBeDefined();
      const users = files.filter((f) => pattern?.test(f.text)).map((f) => f.file);
      expect(users, `${permission} is asked for but never used`).not.toEqual([]);
      // The doc's row for this permission names at least one of the files that really use it.
      const row = doc.split('\n').find((line) => line.startsWith(`| \`${permission}\``));
      expect(row, `docs/PERMISSIONS.md has a row for ${permission}`).toBeDefined();
      expect(
        users.some((f) => row?.includes(f)),
        `${permission} row names one of ${users.join(', ')}`,
      ).toBe(true);
    }
    for (const host of SORA_HOSTS) {
      expect(doc, `docs/PERMISSIONS.md has a row for ${host}`).toContain(`| \`${host}\``);
    }
    // Every file the doc cites exists (the doc stays true as code moves).
    const cited = [...doc.matchAll(/`((?:lib|entrypoints|components)\/[\w./-]+\.tsx?)`/g)].map((m) => m[1]!);
    expect(cited.length).toBeGreaterThan(10);
    for (const file of new Set(cited)) expect(existsSync(path.join(ROOT, file)), file).toBe(true);
  });

  it('the source uses no API that needs a permission the manifest does not ask for', () => {
    const banned = [
      /\b(browser|chrome)\.scripting\b/,
      /\b(browser|chrome)\.webRequest\b/,
      /\b(browser|chrome)\.declarativeNetRequest\b/,
      /\b(browser|chrome)\.tabs\.(executeScript|insertCSS|captureVisibleTab)\b/,
      /\b(browser|chrome)\.debugger\b/,
      /\b(browser|chrome)\.(history|bookmarks|management|proxy)\./,
      // Listening for other extensions or web pages would bypass the sender check.
      /\bonMessageExternal\b/,
      /\bonConnectExternal\b/,
      // storage.session stays at its default (TRUSTED_CONTEXTS): content scripts cannot read the AT there.
      /\bsetAccessLevel\b/,
    ];
    for (const { file, text } of sourceFiles()) {
      for (const pattern of banned) expect(pattern.test(text), `${file} matches ${pattern}`).toBe(false);
    }
  });

  it('content scripts run on sora.chatgpt.com only, top frame only', async () => {
    const dir = path.join(ROOT, 'entrypoints');
    const scripts = readdirSync(dir).filter((n) => /\.content\.tsx?$/.test(n) || n.endsWith('.content'));
    expect(scripts.sort()).toEqual(['sora-sentinel.content.ts', 'sora.content.ts']);
    for (const name of scripts) {
      const mod = (await import(/* @vite-ignore */ path.join(dir, name))) as {
        default: { matches?: string[]; allFrames?: boolean; matchAboutBlank?: boolean; world?: string };
      };
      expect(mod.default.matches, name).toEqual(['https://sora.chatgpt.com/*']);
      expect(mod.default.allFrames ?? false, name).toBe(false);
      expect(mod.default.matchAboutBlank ?? false, name).toBe(false);
    }
  });

  it('the built manifests (when present) match the config', () => {
    for (const browser of ['chrome', 'firefox'] as const) {
      const file = path.join(ROOT, `.output/${browser}-mv3/manifest.json`);
      if (!existsSync(file)) continue;
      const m = JSON.parse(readFileSync(file, 'utf8')) as Manifest & {
        content_scripts?: { matches: string[]; all_frames?: boolean }[];
      };
      expect([...(m.permissions ?? [])].sort(), browser).toEqual(EXPECTED[browser]);
      expect(m.host_permissions, browser).toEqual(SORA_HOSTS);
      for (const key of ['externally_connectable', 'web_accessible_resources', 'content_security_policy']) {
        expect(m, `${browser} ${key}`).not.toHaveProperty(key);
      }
      for (const cs of m.content_scripts ?? []) {
        expect(cs.matches, browser).toEqual(['https://sora.chatgpt.com/*']);
        expect(cs.all_frames ?? false, browser).toBe(false);
      }
    }
  });
});
