import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Hosts the background talks to. Kept here and in lib/sora/config.ts only. chatgpt.com is OpenAI's sentinel
// service: with no Sora tab open, the background makes the security token Sora wants there
// (docs/PERMISSIONS.md says why it is not optional).
const SORA_HOSTS = ['https://sora.chatgpt.com/*', 'https://videos.openai.com/*', 'https://chatgpt.com/*'];

export default defineConfig({
  // Explicit imports everywhere: easier to read and to test than auto-imports.
  imports: false,
  manifestVersion: 3,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
  }),
  hooks: {
    // The popup and the side panel are each built on their own, not in the page build they share with the
    // background. Shared, their imports were split into chunks common to the three: the popup asked for
    // five files and the side panel for four before the first paint, and each costs a round trip through the
    // browser process (20-64 ms measured for the popup, docs/PERFORMANCE.md). Alone, a page's first paint
    // needs one script and one stylesheet, and the popup's CSS (popup.css sets its width) is in a file no
    // other page loads. The side panel's views are still chunks of their own (components/panel/views.tsx).
    'entrypoints:grouped': (_, groups) => {
      for (const type of ['popup', 'sidepanel'] as const) {
        for (const group of groups) {
          if (!Array.isArray(group) || group.length < 2) continue;
          const at = group.findIndex((entry) => entry.type === type);
          if (at < 0) continue;
          const [entry] = group.splice(at, 1);
          if (entry) groups.push([entry]);
          break;
        }
      }
    },
  },
  // `wxt zip -b firefox` also packs the sources AMO asks for. WXT already leaves out node_modules, dot
  // files (.git, .env, .wxt), build output and *.test / *.spec files; these are local leftovers or secrets.
  zip: {
    excludeSources: [
      'test-results/**',
      'playwright-report/**',
      'demo-screenshots/**',
      'stats.html',
      'tests/bench/results/**',
      '**/*.log',
      '**/*.+(pem|key|p12|pfx|zip|xpi|crx)',
    ],
  },
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [
      'storage',
      'cookies',
      'alarms',
      'notifications',
      // Clean files and bulk downloads go straight to the browser's download manager (lib/media).
      'downloads',
      // "Remix this" on Sora posts (Firefox accepts the name as an alias of `menus`).
      'contextMenus',
      // History lives only in IndexedDB: no eviction under storage pressure, no per-origin quota
      // (docs/PERMISSIONS.md, lib/db/storage.ts).
      'unlimitedStorage',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    host_permissions: SORA_HOSTS,
    action: { default_title: '__MSG_extName__' },
    // Keyboard shortcuts (users can change them in the browser's shortcut settings). Chrome's
    // `_execute_action` only opens the popup, so the side panel has a named command of its own.
    commands: {
      _execute_action: { suggested_key: { default: 'Alt+Shift+O' } },
      'open-side-panel': {
        suggested_key: { default: 'Alt+Shift+S' },
        description: '__MSG_cmdOpenSidePanel__',
      },
    },
    ...(browser === 'firefox'
      ? {
          browser_specific_settings: {
            gecko: {
              id: 'companion-for-sora@companion.local',
              strict_min_version: '128.0',
              data_collection_permissions: { required: ['none'] },
            },
          },
        }
      : {}),
  }),
});
