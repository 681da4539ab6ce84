/**
 * Create exactly once (issue 13): a create whose answer is lost while Sora stores a rewritten prompt and the
 * user started the same prompt in Sora's own page. Nothing is claimed or sent blind: the row says "May
 * already be on Sora" with Send again / Drop, and the user's choice is carried out.
 */
import type { Sim } from '../sim/app';
import { backendCalls, expect, test } from './fixtures';

const EMAIL = 'ada@example.com';
const PROMPT = 'a lighthouse at dusk';

const creates = (sim: Sim) => backendCalls(sim, '/backend/nf/create').filter((c) => c.method === 'POST');

test('a create that may already be on Sora waits for the user, who sends it again', async ({
  sim,
  extension,
}) => {
  // The extension's grace period runs on the browser's clock (60 s), not the simulator's.
  test.setTimeout(180_000);
  sim.control.setConfig({ speed: 40, variants: { rewritePrompts: true } });
  await extension.login(EMAIL);
  // Sora takes the create but its answer never arrives; a same-prompt twin was started in Sora's own page.
  sim.control.addFault({ method: 'POST', path: '/backend/nf/create', kind: 'answer_lost', times: 1 });
  const twin = sim.control.outsideTask({ email: EMAIL, prompt: PROMPT });

  const page = await extension.openSidePanel();
  await page.getByLabel('Prompts, one per line').fill(PROMPT);
  await page.getByRole('button', { name: 'Add to queue' }).click();
  await expect(page.getByTestId('create-done')).toBeVisible();
  await page.getByRole('tab', { name: /^Queue/ }).click();

  const row = page.getByTestId('job-row').filter({ hasText: PROMPT });
  await expect(row).toHaveAttribute('data-state', 'submitting');
  await expect(row).toHaveAttribute('data-may-exist', 'true', { timeout: 100_000 });
  await expect(row.getByTestId('job-state')).toHaveText('May already be on Sora');
  await expect(row.getByTestId('job-may-exist')).toBeVisible();
  await expect(row.getByRole('button', { name: `Drop “${PROMPT}”` })).toBeVisible();
  expect(creates(sim)).toHaveLength(1);

  await row.getByRole('button', { name: `Send “${PROMPT}” again` }).click();
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 60_000 });
  expect(creates(sim)).toHaveLength(2);
  // The twin was never taken for the job.
  const done = sim.control.state().videoTasks.filter((t) => !t.outside);
  expect(done).toHaveLength(2);
  expect(sim.control.state().videoTasks.find((t) => t.id === twin)?.outside).toBe(true);
});
