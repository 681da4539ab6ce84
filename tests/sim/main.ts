/**
 * `npm run sim`: the simulator alone on SIM_PORT (default 8443), until Ctrl-C.
 * SIM_HOST (default 127.0.0.1), SIM_SPEED (default 1) and SIM_SEED are honoured too.
 */
import { createSim } from './app';
import { CONTROL_ROUTES } from './routes/control';
import { startSimServer } from './server';
import { FAULT_KINDS } from './types';

const port = Number(process.env.SIM_PORT ?? 8443);
const host = process.env.SIM_HOST ?? '127.0.0.1';
const speed = process.env.SIM_SPEED ? Number(process.env.SIM_SPEED) : undefined;
const seed = process.env.SIM_SEED ? Number(process.env.SIM_SEED) : undefined;

const server = await startSimServer({ port, host, sim: createSim({ speed, seed }) });
const state = server.sim.control.state();

console.info(`Sora simulator listening on ${server.origin}
  hosts: https://sora.chatgpt.com (backend, session, pages), https://videos.openai.com (media),
         https://auth.openai.com (oauth); the control API is on every host, e.g. ${server.origin}/__sim/state
  clock speed: ${server.sim.clock.speed}   seeded public posts: ${state.seededPostIds.join(', ')}

Control API:
${CONTROL_ROUTES.map((r) => `  ${r}`).join('\n')}
Fault kinds: ${FAULT_KINDS.join(', ')}

Chromium flags:
  ${server.chromiumArgs.map((a) => `'${a}'`).join(' \\\n  ')}

Log in at https://sora.chatgpt.com/login with any email, or:
  curl -sk -X POST ${server.origin}/__sim/login -d '{"email":"you@example.com"}'
Ctrl-C to stop.`);

const stop = () => {
  server.close().finally(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
