import { describe, expect, it } from 'vitest';
import { MEDIA_HOSTS } from '../../lib/sora/config';
import {
  checkMediaUrl,
  httpsHostOf,
  isSoraMediaUrl,
  normalizeHost,
  safePreviewSrc,
} from '../../lib/sora/media-hosts';
import { MIN_ECHO, REDACTED, redactSecrets } from '../../lib/sora/redact';

const SIGNED = 'https://videos.openai.com/vg-assets/task_01/src.mp4?se=2026-01-12T00%3A00%3A00Z&sig=abc';

describe('media host allow-list', () => {
  it('is the host NOTES.md names', () => {
    expect(MEDIA_HOSTS).toEqual(['videos.openai.com']);
  });

  it("accepts Sora's signed media URLs", () => {
    expect(isSoraMediaUrl(SIGNED)).toBe(true);
    expect(isSoraMediaUrl('https://VIDEOS.openai.com/a.mp4')).toBe(true);
    expect(checkMediaUrl(SIGNED)).toEqual({ ok: true, host: 'videos.openai.com' });
  });

  it.each([
    ['a foreign host', 'https://cdn.example.net/a.mp4'],
    ['a look-alike suffix', 'https://videos.openai.com.evil.example/a.mp4'],
    ['a look-alike prefix', 'https://evilvideos.openai.com/a.mp4'],
    ['a subdomain (no subdomain rule)', 'https://x.videos.openai.com/a.mp4'],
    ['another openai host', 'https://openai.com/a.mp4'],
    ['plain http', 'http://videos.openai.com/a.mp4'],
    ['credentials before the host', 'https://videos.openai.com@evil.example/a.mp4'],
    ['user info on the right host', 'https://user:pw@videos.openai.com/a.mp4'],
    ['another port', 'https://videos.openai.com:8443/a.mp4'],
    ['a data URL', 'data:video/mp4;base64,AAAA'],
    ['javascript', 'javascript:alert(1)'],
    ['a relative path', '/vg-assets/a.mp4'],
    ['garbage', 'not a url'],
    ['empty', ''],
  ])('refuses %s', (_what, url) => {
    expect(isSoraMediaUrl(url)).toBe(false);
    expect(checkMediaUrl(url).ok).toBe(false);
  });

  it('tells a foreign host (which the user may confirm) from a URL that is never fine', () => {
    expect(checkMediaUrl('https://dl.parse.example/v.mp4')).toEqual({
      ok: false,
      reason: 'foreign_host',
      host: 'dl.parse.example',
    });
    expect(checkMediaUrl('http://dl.parse.example/v.mp4')).toEqual({ ok: false, reason: 'not_https' });
  });

  it('lets a confirmed parse-service host through, exactly', () => {
    expect(checkMediaUrl('https://dl.parse.example/v.mp4', ['dl.parse.example']).ok).toBe(true);
    expect(checkMediaUrl('https://DL.Parse.example/v.mp4', ['dl.parse.example']).ok).toBe(true);
    expect(checkMediaUrl('https://x.dl.parse.example/v.mp4', ['dl.parse.example']).ok).toBe(false);
    expect(checkMediaUrl('http://dl.parse.example/v.mp4', ['dl.parse.example']).ok).toBe(false);
  });

  it('reads hosts the way the settings store them', () => {
    expect(httpsHostOf('https://Dl.Example:444/x')).toBe('dl.example:444');
    expect(normalizeHost(' DL.example ')).toBe('dl.example');
    expect(normalizeHost('dl.example:444')).toBe('dl.example:444');
    for (const bad of ['', 'dl.example/path', 'a@b', 'https://dl.example', 'a b', 'dl.example?x'])
      expect(normalizeHost(bad)).toBeNull();
  });

  it('previews only what is on the media host or made by the page itself', () => {
    expect(safePreviewSrc(SIGNED)).toBe(SIGNED);
    expect(safePreviewSrc('blob:chrome-extension://abc/1')).toBe('blob:chrome-extension://abc/1');
    expect(safePreviewSrc('https://tracker.example/pixel.gif')).toBeUndefined();
    expect(safePreviewSrc('data:text/html,<script>')).toBeUndefined();
    expect(safePreviewSrc(undefined)).toBeUndefined();
  });
});

describe('redaction of echoed secrets', () => {
  const SECRET =
    'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJ1c2VyLTEyMzQ1Njc4OTAiLCJleHAiOjE3OTk5OTk5OTl9.c2lnbmF0dXJlLXNlZ21lbnQtaGVyZQ';

  it('replaces the whole token', () => {
    expect(redactSecrets(`Bearer ${SECRET}`, [SECRET])).toBe(`Bearer ${REDACTED}`);
  });

  it(`replaces any run of ≥ ${MIN_ECHO} characters of it, wherever it is cut`, () => {
    for (const [from, to] of [
      [40, 40 + MIN_ECHO],
      [50, 90],
      [SECRET.length - MIN_ECHO, SECRET.length],
    ] as const) {
      const slice = SECRET.slice(from, to);
      const out = redactSecrets(`header was "${slice}"!`, [SECRET]);
      expect(out).toBe(`header was "${REDACTED}"!`);
    }
  });

  it('replaces two separate echoes and keeps the text between them', () => {
    const a = SECRET.slice(45, 70);
    const b = SECRET.slice(80, 110);
    expect(redactSecrets(`${a} and ${b}`, [SECRET])).toBe(`${REDACTED} and ${REDACTED}`);
  });

  it('keeps runs shorter than the threshold (ordinary words)', () => {
    const short = SECRET.slice(50, 50 + MIN_ECHO - 1);
    expect(redactSecrets(`x ${short} y`, [SECRET])).toBe(`x ${short} y`);
  });

  it('replaces JWT-looking runs of unknown tokens', () => {
    expect(redactSecrets('token eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig done')).toBe(`token ${REDACTED} done`);
    expect(redactSecrets('cut eyJhbGciOiJIUzI1')).toBe(`cut ${REDACTED}`);
    // Words that merely start the same way are not tokens.
    expect(redactSecrets('eyJ is short')).toBe('eyJ is short');
  });

  it('keeps CJK and emoji text around an echo intact', () => {
    const slice = SECRET.slice(30, 60);
    expect(redactSecrets(`令牌 ${slice} 😀`, [SECRET])).toBe(`令牌 ${REDACTED} 😀`);
  });
});
