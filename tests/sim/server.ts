/**
 * The simulator on a real HTTPS socket, for Chromium and Firefox: a self-signed certificate for the Sora
 * hosts, the real Host header kept in the request URL (the browser connects to 127.0.0.1:PORT but asks for
 * sora.chatgpt.com), and the `drop` fault turned into a destroyed socket.
 */
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { getRequestListener, type HttpBindings } from '@hono/node-server';
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import { generate } from 'selfsigned';
import { createSim, isSimDrop, type Sim } from './app';
import { AUTH_HOST, FOREIGN_MEDIA_HOST, MEDIA_HOST, PARSE_HOST, SENTINEL_HOST, SORA_HOST } from './core';

// The foreign media host and the parse service are mapped too, so a request there reaches the simulator's
// log instead of vanishing.
export const SIM_HOSTS = [
  SORA_HOST,
  MEDIA_HOST,
  AUTH_HOST,
  SENTINEL_HOST,
  FOREIGN_MEDIA_HOST,
  PARSE_HOST,
] as const;

export interface SimServerOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  /** Interface to listen on (default 127.0.0.1). */
  host?: string;
  /** An existing sim (default: a new `createSim()`). */
  sim?: Sim;
}

export interface SimServer {
  port: number;
  /** `https://127.0.0.1:PORT` (reach `/__sim/*` here directly). */
  origin: string;
  sim: Sim;
  /** PEM of the self-signed certificate (to trust it explicitly instead of ignoring certificate errors). */
  certPem: string;
  /** The Chromium flags that send the Sora hosts here. */
  chromiumArgs: string[];
  close(): Promise<void>;
}

let certPromise: Promise<{ key: string; cert: string }> | null = null;

/** One certificate per process: generation is the slow part of starting, and its content never varies. */
function certificate(): Promise<{ key: string; cert: string }> {
  certPromise ??= generate([{ name: 'commonName', value: SORA_HOST }], {
    keyType: 'ec',
    curve: 'P-256',
    algorithm: 'sha256',
    notBeforeDate: new Date(Date.now() - 86_400_000),
    notAfterDate: new Date(Date.now() + 365 * 86_400_000),
    extensions: [
      { name: 'basicConstraints', cA: false },
      { name: 'keyUsage', digitalSignature: true, keyEncipherment: true },
      { name: 'extKeyUsage', serverAuth: true },
      {
        name: 'subjectAltName',
        altNames: [
          ...SIM_HOSTS.map((value) => ({ type: 2 as const, value })),
          { type: 2, value: 'localhost' },
          { type: 7, ip: '127.0.0.1' },
        ],
      },
    ],
  }).then((pems) => ({ key: pems.private, cert: pems.cert }));
  return certPromise;
}

/** `--host-resolver-rules` value mapping every Sora host to the simulator and nothing else anywhere. */
export function hostResolverRules(port: number, ip = '127.0.0.1'): string {
  return `${SIM_HOSTS.map((h) => `MAP ${h} ${ip}:${port}`).join(', ')}, MAP * ~NOTFOUND, EXCLUDE ${ip}`;
}

export function chromiumArgs(port: number, ip = '127.0.0.1'): string[] {
  return [`--host-resolver-rules=${hostResolverRules(port, ip)}`, '--ignore-certificate-errors'];
}

export async function startSimServer(options: SimServerOptions = {}): Promise<SimServer> {
  const sim = options.sim ?? createSim();
  const host = options.host ?? '127.0.0.1';
  const { key, cert } = await certificate();

  const listener = getRequestListener(
    async (req, env) => {
      try {
        return await sim.app.fetch(req);
      } catch (e) {
        if (isSimDrop(e)) {
          const { incoming, outgoing } = env as HttpBindings;
          if (e.answeredStatus !== null) {
            // The answer starts, then the connection ends mid-body. Closing before any byte instead would let
            // Chromium resend the request by itself (it does so when a reused keep-alive connection closes
            // before answering, POSTs included), which is a different fault from a lost answer.
            outgoing.writeHead(e.answeredStatus, {
              'content-type': 'application/json',
              'content-length': 64,
            });
            outgoing.write('{');
            incoming.socket.end();
            return RESPONSE_ALREADY_SENT;
          }
          // The client must see a connection reset, not an HTTP answer.
          incoming.socket.destroy();
          return new Response(null, { status: 502 });
        }
        if (req.signal.aborted) return new Response(null, { status: 499 });
        throw e;
      }
    },
    // Tests in the same process use the global Request/Response; leave them alone.
    { overrideGlobalObjects: false },
  );

  const server: Server = createServer({ key, cert }, listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const ip = host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host;

  return {
    port,
    origin: `https://${ip}:${port}`,
    sim,
    certPem: cert,
    chromiumArgs: chromiumArgs(port, ip),
    close: () =>
      new Promise<void>((resolve, reject) => {
        sim.core.releaseHangs();
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
