import { describe, expect, it } from 'vitest';
import {
  decodeJwtPayload,
  isCameoId,
  isCharacterId,
  isGenerationId,
  isPostId,
  isTaskId,
  jwtExpiresAt,
  parsePostId,
} from '../../lib/sora/ids';

const HEX = '690d100857248191b679e6de12db840e';
const ID = `s_${HEX}`;

const b64url = (s: string) => Buffer.from(s, 'utf8').toString('base64url');
const jwt = (payload: unknown) =>
  `${b64url('{"alg":"RS256","typ":"JWT"}')}.${b64url(JSON.stringify(payload))}.c2ln`;

describe('parsePostId', () => {
  it.each([
    [ID, ID],
    [`  ${ID}\n`, ID],
    [`https://sora.chatgpt.com/p/${ID}`, ID],
    [`https://sora.chatgpt.com/p/${ID}/`, ID],
    [`https://sora.chatgpt.com/p/${ID}?psh=abc&x=1`, ID],
    [`https://sora.chatgpt.com/p/${ID}#comments`, ID],
    [`https://sora.chatgpt.com/p/${ID}/?a=b#c`, ID],
    [`http://sora.chatgpt.com/p/${ID}`, ID],
    [`https://www.sora.chatgpt.com/p/${ID}`, ID],
  ])('accepts %s', (input, expected) => {
    expect(parsePostId(input)).toBe(expected);
  });

  it.each([
    '',
    's_123',
    `s_${HEX}0`,
    `s_${HEX.toUpperCase()}`,
    `gen_${HEX}`,
    `https://evil.example.com/p/${ID}`,
    `https://sora.chatgpt.com.evil.com/p/${ID}`,
    `https://sora.chatgpt.com/x/${ID}`,
    `https://sora.chatgpt.com/p/${ID}/extra`,
    `https://sora.chatgpt.com/p/${ID}x`,
    `javascript:alert('${ID}')`,
    `ftp://sora.chatgpt.com/p/${ID}`,
    'not a url',
  ])('rejects %s', (input) => {
    expect(parsePostId(input)).toBeNull();
  });
});

describe('id predicates', () => {
  it('tells ids apart', () => {
    expect(isPostId(ID)).toBe(true);
    expect(isPostId('s_abc')).toBe(false);
    expect(isTaskId('task_01k6x9f3pqe0bv3j2fq3m4r8zt')).toBe(true);
    expect(isTaskId('task_')).toBe(false);
    expect(isTaskId('gen_01k6x9f3pq')).toBe(false);
    expect(isTaskId('task_01k6/../x')).toBe(false);
    expect(isGenerationId('gen_01k6x9f3pqe0bv3j2fq3m4r8zt')).toBe(true);
    expect(isGenerationId('gen_')).toBe(false);
    expect(isGenerationId('gen_a-b')).toBe(false);
    expect(isCharacterId(`ch_${HEX}`)).toBe(true);
    expect(isCharacterId('ch_123')).toBe(false);
    expect(isCameoId('cameo_01k6x9f3pq')).toBe(true);
    expect(isCameoId('cameo_')).toBe(false);
    expect(isCameoId(42)).toBe(false);
  });
});

describe('decodeJwtPayload', () => {
  it('reads exp and the profile email', () => {
    const token = jwt({
      exp: 1_768_000_000,
      'https://api.openai.com/profile': { email: 'a@b.c', email_verified: true },
    });
    expect(decodeJwtPayload(token)).toEqual({ exp: 1_768_000_000, email: 'a@b.c' });
    expect(jwtExpiresAt(token)).toBe(1_768_000_000_000);
  });

  it('falls back to a top-level email, and tolerates missing claims', () => {
    expect(decodeJwtPayload(jwt({ email: 'x@y.z' }))).toEqual({ email: 'x@y.z' });
    expect(decodeJwtPayload(jwt({ sub: 'user-1' }))).toEqual({});
    expect(jwtExpiresAt(jwt({ sub: 'user-1' }))).toBeUndefined();
  });

  it('decodes base64url with - and _ and non-ASCII text', () => {
    const token = jwt({ exp: 1, 'https://api.openai.com/profile': { email: 'zoë+??>>@例え.jp' } });
    expect(decodeJwtPayload(token)?.email).toBe('zoë+??>>@例え.jp');
  });

  it.each([
    '',
    'abc',
    'a.b',
    'a.b.c.d',
    'a.!!!.c',
    `x.${b64url('not json')}.y`,
    `x.${b64url('[1]')}.y`,
    `x.${b64url('null')}.y`,
  ])('returns null for %s', (token) => {
    expect(decodeJwtPayload(token)).toBeNull();
  });

  it('ignores a non-numeric exp', () => {
    expect(decodeJwtPayload(jwt({ exp: '123' }))).toEqual({});
  });
});
