/**
 * `npm run demo`: the whole product against the bundled Sora simulator, without a Sora account.
 * With a display it opens Chromium with the extension for you to try; without one it walks through the
 * main screens headless and saves screenshots, then says where they are.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Page } from '@playwright/test';
import {
  E2E_SIM_CONFIG,
  extensionIdOf,
  extensionWorker,
  launchWithExtension,
  newProfileDir,
} from '../e2e/browser';
import { createSim } from '../sim/app';
import { startSimServer } from '../sim/server';

const DEMO_EMAIL = 'demo@example.com';
const OUT_DIR = path.resolve(process.env.DEMO_OUT ?? 'demo-screenshots');

async function main() {
  const headed = Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY) && !process.env.DEMO_HEADLESS;
  const server = await startSimServer({
    port: Number(process.env.SIM_PORT ?? 0),
    sim: createSim(E2E_SIM_CONFIG),
  });
  const { sim } = server;
  sim.control.upsertUser({ email: DEMO_EMAIL, name: 'Demo User', plan: 'pro', quota: { remaining: 27 } });
  sim.control.seedDrafts({ count: 6, email: DEMO_EMAIL });
  const login = sim.control.login(DEMO_EMAIL);
  console.info(
    `Sora simulator on https://127.0.0.1:${server.port} (as sora.chatgpt.com), user ${DEMO_EMAIL}`,
  );

  const context = await launchWithExtension({
    port: server.port,
    profileDir: newProfileDir(),
    headless: !headed,
  });
  await context.addCookies(
    [...login.cookies, login.deviceId].map((c) => ({
      name: c.name,
      value: c.value,
      url: 'https://sora.chatgpt.com',
      secure: true,
      httpOnly: c.name !== login.deviceId.name,
      sameSite: 'Lax' as const,
    })),
  );
  const id = extensionIdOf(await extensionWorker(context));
  const open = async (file: string, width: number, height: number): Promise<Page> => {
    const page = await context.newPage();
    await page.setViewportSize({ width, height });
    await page.goto(`chrome-extension://${id}/${file}`);
    return page;
  };

  // Something to look at: a few jobs moving through the queue and drafts "made elsewhere" in history.
  sim.control.setConfig({ speed: 10 });
  const seedPage = await open('sidepanel.html', 400, 720);
  const envelope = (name: string, req: unknown) => ({ channel: 'companion', kind: 'request', name, req });
  const requests = [
    envelope('jobs.enqueue', {
      inputs: [
        { kind: 'video', prompt: 'A paper boat sails down a rainy street at dusk', nFrames: 300 },
        { kind: 'video', prompt: 'A fox runs through fresh snow, slow motion', orientation: 'portrait' },
        { kind: 'image', prompt: 'A lighthouse in watercolour', width: 360, height: 360 },
        { kind: 'video', prompt: 'Timelapse of clouds over mountains', nFrames: 450 },
      ],
    }),
    envelope('history.importFromSora', {}),
  ];
  // Sent from an extension page, as the Create and History views do (no named functions in here:
  // the bundler's name helpers do not exist in the page).
  await seedPage.evaluate(async (messages) => {
    const runtime = (
      globalThis as unknown as { chrome: { runtime: { sendMessage(m: unknown): Promise<unknown> } } }
    ).chrome.runtime;
    for (const message of messages) await runtime.sendMessage(message);
  }, requests);
  await seedPage.close();

  if (headed) {
    await open('popup.html', 360, 420);
    const panel = await open('sidepanel.html', 420, 800);
    await panel.bringToFront();
    console.info('Chromium is open with the extension: the popup and the side panel are in the first tabs.');
    console.info('Close the browser window (or press Ctrl-C) to stop the demo.');
    await new Promise<void>((resolve) => {
      context.on('close', () => resolve());
      process.once('SIGINT', () => resolve());
    });
  } else {
    mkdirSync(OUT_DIR, { recursive: true });
    const shots: string[] = [];
    for (const scheme of ['light', 'dark'] as const) {
      const popup = await open('popup.html', 360, 420);
      await popup.emulateMedia({ colorScheme: scheme });
      await popup.getByTestId('videos-left').waitFor();
      const popupShot = path.join(OUT_DIR, `popup-${scheme}.png`);
      await popup.screenshot({ path: popupShot, fullPage: true });
      shots.push(popupShot);

      const panel = await open('sidepanel.html', 400, 720);
      await panel.emulateMedia({ colorScheme: scheme });
      for (const tab of await panel.getByRole('tab').all()) {
        const name =
          ((await tab.textContent()) ?? 'view')
            .trim()
            .toLowerCase()
            .split(/[^a-z]/)[0] || 'view';
        await tab.click();
        // Views load on first open (components/panel/views.tsx): wait for the shown one's content.
        await panel.locator('[role="tabpanel"]:not([hidden])[aria-busy="false"]').waitFor();
        const panelShot = path.join(OUT_DIR, `sidepanel-${name}-${scheme}.png`);
        await panel.screenshot({ path: panelShot, fullPage: true });
        shots.push(panelShot);
      }
      await panel.close();

      // The navigation at the side panel's narrowest width: all six sections fit in two rows.
      const narrow = await open('sidepanel.html', 320, 480);
      await narrow.emulateMedia({ colorScheme: scheme });
      await narrow.locator('[role="tabpanel"]:not([hidden])[aria-busy="false"]').waitFor();
      const navShot = path.join(OUT_DIR, `sidepanel-nav-320-${scheme}.png`);
      await narrow.screenshot({ path: navShot, clip: { x: 0, y: 0, width: 320, height: 160 } });
      shots.push(navShot);
      await narrow.close();
    }
    console.info('No display found, so the demo ran headless and walked through the main screens.');
    console.info(`Screenshots saved in ${OUT_DIR}:`);
    for (const shot of shots) console.info(`  ${shot}`);
    console.info('Run it where a display exists (or with xvfb-run) to try the extension yourself.');
  }
  await context.close().catch(() => {});
  await server.close();
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
