import preact from '@preact/preset-vite';
import { defineConfig } from 'wxt';

// Hosts the background talks to. Kept here and in lib/sora/config.ts only.
const SORA_HOSTS = ['https://sora.chatgpt.com/*', 'https://videos.openai.com/*'];

export default defineConfig({
  // Explicit imports everywhere: easier to read and to test than auto-imports.
  imports: false,
  manifestVersion: 3,
  modules: ['@wxt-dev/webextension-polyfill'],
  vite: () => ({
    plugins: [preact()],
  }),
  manifest: ({ browser }) => ({
    name: '__MSG_extName__',
    description: '__MSG_extDescription__',
    default_locale: 'en',
    permissions: [
      'storage',
      'cookies',
      'alarms',
      'notifications',
      ...(browser === 'firefox' ? [] : ['sidePanel']),
    ],
    host_permissions: SORA_HOSTS,
    action: { default_title: '__MSG_extName__' },
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
