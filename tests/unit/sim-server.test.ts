import { request } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSim, loadFixture } from '../sim/app';
import { type SimServer, startSimServer } from '../sim/server';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  san: string;
}

/** A request to 127.0.0.1:PORT carrying another Host, as Chromium does under --host-resolver-rules. */
function call(
  port: number,
  host: string,
  path: string,
  opts: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: opts.method ?? 'GET',
        servername: host,
        rejectUnauthorized: false,
        agent: false,
        headers: { host, ...opts.headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        // An answer cut off mid-body (answer_lost).
        res.on('error', reject);
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            body: Buffer.concat(chunks),
            san: (res.socket as TLSSocket).getPeerCertificate().subjectaltname ?? '',
          }),
        );
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

describe('sim HTTPS server', () => {
  let server: SimServer;

  beforeAll(async () => {
    server = await startSimServer({ port: 0, sim: createSim({ speed: 0, seed: 11 }) });
  });
  afterAll(async () => {
    await server.close();
  });

  it('routes by the Host header and presents a certificate for the Sora hosts', async () => {
    const session = await call(server.port, 'sora.chatgpt.com', '/api/auth/session');
    expect(session.status).toBe(200);
    expect(JSON.parse(session.body.toString())).toEqual({});
    for (const name of [
      'sora.chatgpt.com',
      'videos.openai.com',
      'auth.openai.com',
      'localhost',
      '127.0.0.1',
    ]) {
      expect(session.san).toContain(name);
    }
    const me = await call(server.port, 'sora.chatgpt.com', '/backend/me');
    expect(me.status).toBe(401);
    expect(server.sim.control.log({ path: '/backend/me' })[0]?.host).toBe('sora.chatgpt.com');
    expect(server.origin).toBe(`https://127.0.0.1:${server.port}`);
    expect(server.chromiumArgs[0]).toContain(`MAP sora.chatgpt.com 127.0.0.1:${server.port}`);
  });

  it('serves the control API on the bare loopback address and logs in with a cookie', async () => {
    const login = await call(server.port, `127.0.0.1:${server.port}`, '/__sim/login', {
      method: 'POST',
      body: JSON.stringify({ email: 'srv@example.com' }),
    });
    const { cookieHeader } = JSON.parse(login.body.toString()) as { cookieHeader: string };
    const s = await call(server.port, 'sora.chatgpt.com', '/api/auth/session', {
      headers: { cookie: cookieHeader },
    });
    expect(JSON.parse(s.body.toString())).toMatchObject({ user: { email: 'srv@example.com' } });
  });

  it('streams media with Range support', async () => {
    const postId = server.sim.state.seededPostIds[0] ?? '';
    const token = server.sim.control.accessToken('srv@example.com');
    const post = await call(server.port, 'sora.chatgpt.com', `/backend/project_y/post/${postId}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    const url = new URL(
      (JSON.parse(post.body.toString()) as { post: { attachments: { url: string }[] } }).post.attachments[0]
        ?.url ?? '',
    );
    const part = await call(server.port, url.host, `${url.pathname}${url.search}`, {
      headers: { range: 'bytes=10-' },
    });
    expect(part.status).toBe(206);
    expect(part.headers['content-type']).toBe('video/mp4');
    expect(part.headers['x-sim-watermark']).toBe('present');
    // The first seeded post is a landscape video.
    const file = loadFixture('video-wm-landscape.mp4');
    expect(part.headers['content-range']).toBe(`bytes 10-${file.length - 1}/${file.length}`);
    expect(part.body.equals(Buffer.from(file.subarray(10)))).toBe(true);
  });

  it('destroys the socket for a drop fault', async () => {
    server.sim.control.addFault({ path: '/api/auth/session', kind: 'drop', times: 1 });
    await expect(call(server.port, 'sora.chatgpt.com', '/api/auth/session')).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE/),
    });
    expect((await call(server.port, 'sora.chatgpt.com', '/api/auth/session')).status).toBe(200);
  });

  it('ends the connection mid-answer after handling the request for an answer_lost fault', async () => {
    server.sim.control.addFault({ path: '/api/auth/session', kind: 'answer_lost', times: 1 });
    await expect(call(server.port, 'sora.chatgpt.com', '/api/auth/session')).rejects.toMatchObject({
      code: expect.stringMatching(/ECONNRESET|EPIPE|ABORTED/),
    });
    const [entry] = server.sim.control.log({ path: '/api/auth/session' }).slice(-1);
    expect(entry).toMatchObject({ status: 200, outcome: 'dropped' });
  });
});
