import type { Page } from '@playwright/test';
import { ask, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';
const count = (page: Page, group: string) =>
  page.getByTestId(`count-${group}`).getAttribute('data-count').then(Number);
async function showQueue(page: Page) {
  await page.getByRole('tab', { name: /^Queue/ }).click();
  await expect(page.getByTestId('queue-summary')).toBeVisible();
}
test('debug stall', async ({ sim, extension }) => {
  test.setTimeout(240_000);
  sim.control.setConfig({ speed: 8 });
  await extension.login(EMAIL);
  const t0 = Date.now();
  const logs: string[] = [];
  const hook = async () => {
    const w = await extension.worker();
    w.on('console', (m) => logs.push(`${Date.now() - t0} ${m.type()} ${m.text()}`));
  };
  await hook();
  const prompts = Array.from({ length: 9 }, (_, i) => `durable job number ${i + 1}`);
  const page = await extension.openSidePanel();
  await page.getByLabel('Prompts, one per line').fill(prompts.join('\n'));
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('create-done')).toBeVisible();
  await showQueue(page);
  const dump = async (label: string) => {
    const r = await ask<{ jobs: { id: string; state: string; taskId: string | null; updatedAt: number; nextAttemptAt: number }[]; status: unknown }>(page, 'jobs.list', {});
    console.log(`--- ${label} at ${Date.now() - t0} ms`);
    for (const j of r.jobs) console.log(JSON.stringify({ s: j.state, t: j.taskId, u: j.updatedAt - t0, n: (j as {nextAttemptAt:number}).nextAttemptAt - t0, r: (j as {resolve?: unknown}).resolve, ph: (j as {phase?:unknown}).phase }));
    console.log(JSON.stringify(r.status));
    const st = sim.control.state();
    console.log('sim tasks', JSON.stringify(st.videoTasks.map((t: {id:string; status:string}) => [t.id, t.status])));
    const calls = sim.control.log({ host: 'sora.chatgpt.com' }).map((c: {at?: number; method: string; path: string; status: number}) => `${c.method} ${c.path} ${c.status}`);
    console.log('calls', calls.length, calls.slice(-15).join('\n'));
    console.log('worker logs', logs.slice(-30).join('\n'));
  };
  const moments = [
    () => count(page, 'running').then((n) => n >= 1),
    () => count(page, 'done').then((n) => n >= 1),
    () => count(page, 'done').then((n) => n >= 4),
  ];
  let i = 0;
  for (const reached of moments) {
    i++;
    try {
      await expect.poll(reached, { timeout: 60_000 }).toBe(true);
    } catch (e) {
      await dump(`STALL at moment ${i}`);
      throw e;
    }
    await dump(`moment ${i} reached`);
    await extension.stopServiceWorker();
    await page.reload();
    await hook();
    await showQueue(page);
  }
});
