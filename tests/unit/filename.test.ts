import { describe, expect, it } from 'vitest';
import {
  buildFilename,
  extensionFromUrl,
  type FilenameFields,
  MAX_COMPONENT_BYTES,
  MAX_PATH_BYTES,
  sanitizeComponent,
  sanitizeFolder,
  truncateBytes,
  unknownTokens,
  utf8Length,
  withExtension,
} from '../../lib/history/filename';

// Local time, so the expectations hold in every time zone.
const AT = new Date(2025, 2, 7, 9, 5, 3).getTime();
const fields = (patch: Partial<FilenameFields> = {}): FilenameFields => ({
  id: 'gen_01abc',
  kind: 'video',
  prompt: 'A lighthouse at dusk',
  createdAt: AT,
  orientation: 'landscape',
  ...patch,
});
const build = (template: string, patch: Partial<FilenameFields> = {}, folder = 'Sora', extension = '.mp4') =>
  buildFilename(fields(patch), { template, folder, extension });

/** What every produced path must satisfy, whatever went in. */
function expectSafe(path: string): void {
  expect(path).not.toBe('');
  expect(path.startsWith('/')).toBe(false);
  expect(utf8Length(path)).toBeLessThanOrEqual(MAX_PATH_BYTES);
  for (const part of path.split('/')) {
    expect(part).not.toBe('');
    expect(part).not.toBe('.');
    expect(part).not.toBe('..');
    expect(part).not.toMatch(/[<>:"\\|?*~]/);
    // biome-ignore lint/suspicious/noControlCharactersInRegex: checking that none are left.
    expect(part).not.toMatch(/[\u0000-\u001f\u007f]/);
    expect(part).not.toMatch(/\p{Cf}/u);
    expect(part).not.toMatch(/^[\s.]|[\s.]$/);
    expect(utf8Length(part)).toBeLessThanOrEqual(MAX_COMPONENT_BYTES + 10);
    const stem = part.toLowerCase().split('.')[0] ?? '';
    expect(['con', 'prn', 'aux', 'nul', 'com1', 'lpt1', 'com9', 'lpt9']).not.toContain(stem);
  }
}

describe('filename templates', () => {
  it('fills every token', () => {
    expect(
      build('{date}_{time}_{prompt:40}_{id}_{kind}_{orientation}_{index}', { index: 3, total: 12 }),
    ).toBe('Sora/2025-03-07_09-05-03_A lighthouse at dusk_gen_01abc_video_landscape_03.mp4');
  });

  it('cuts the prompt to N characters and trims what is left', () => {
    expect(build('{prompt:11}')).toBe('Sora/A lighthous.mp4');
    expect(build('{prompt:2}', { prompt: 'A  b c' })).toBe('Sora/A.mp4');
  });

  it('pads {index} to the size of the batch, or to an explicit width', () => {
    expect(build('{index}', { index: 7, total: 120 })).toBe('Sora/007.mp4');
    expect(build('{index:4}', { index: 7 })).toBe('Sora/0007.mp4');
    expect(build('{index}')).toBe('Sora/1.mp4');
  });

  it('keeps unknown tokens visible and reports them', () => {
    expect(build('{promt}_{id}')).toBe('Sora/{promt}_gen_01abc.mp4');
    expect(unknownTokens('{promt}_{id}_{x:3}')).toEqual(['{promt}', '{x:3}']);
  });

  it('makes subfolders from separators in the template but never from values', () => {
    expect(build('{kind}/{date}/{id}')).toBe('Sora/video/2025-03-07/gen_01abc.mp4');
    expect(build('{prompt}', { prompt: 'a/b\\c' })).toBe('Sora/a b c.mp4');
  });

  it('falls back to the id when the template gives nothing', () => {
    expect(build('')).toBe('Sora/gen_01abc.mp4');
    expect(build('{prompt}', { prompt: '???' })).toBe('Sora/gen_01abc.mp4');
    expect(build('{orientation}', { orientation: undefined }, '')).toBe('gen_01abc.mp4');
  });
});

describe('sanitising', () => {
  it('replaces characters Windows, macOS or Chrome refuse', () => {
    expect(build('{prompt}', { prompt: 'Shot 1: "cat" <dog> | a*b? ~x' })).toBe(
      'Sora/Shot 1 cat dog a b x.mp4',
    );
    expect(build('{prompt}', { prompt: 'tab\there\nnew\u0000line\u007f' })).toBe(
      'Sora/tab here new line.mp4',
    );
  });

  it('keeps emoji, CJK and right-to-left text, drops bidi controls', () => {
    expect(build('{prompt}', { prompt: '猫が跳ぶ 🐈 قطة' })).toBe('Sora/猫が跳ぶ 🐈 قطة.mp4');
    // U+202E (right-to-left override) would make "mp4.exe" look like "exe.4pm".
    expect(build('{prompt}', { prompt: 'evil\u202Egpj.exe' })).toBe('Sora/evil gpj.exe.mp4');
  });

  it('refuses Windows reserved names in any case and with any extension', () => {
    for (const name of ['CON', 'prn', 'Aux', 'nul', 'COM1', 'lpt9', 'con.txt', 'CON ', 'conin$']) {
      const out = build('{prompt}', { prompt: name }, '');
      expect(out.startsWith('_')).toBe(true);
      expectSafe(out);
    }
    expect(sanitizeComponent('desktop.ini')).toBe('_desktop.ini');
    expect(sanitizeComponent('contact')).toBe('contact');
    expect(sanitizeFolder('con/aux')).toBe('_con/_aux');
  });

  it('strips trailing dots and spaces, and leading dots (hidden files)', () => {
    expect(sanitizeComponent('  name. . ')).toBe('name');
    expect(sanitizeComponent('.hidden')).toBe('hidden');
    expect(sanitizeComponent('...')).toBe('');
  });

  it('blocks path traversal in the folder and the template', () => {
    expect(sanitizeFolder('../../etc')).toBe('etc');
    expect(sanitizeFolder('/abs/./path/')).toBe('abs/path');
    expect(sanitizeFolder('C:\\Users\\x')).toBe('C/Users/x');
    expect(build('../../{id}', {}, '../up')).toBe('up/gen_01abc.mp4');
    expect(build('..\\..\\{id}')).toBe('Sora/gen_01abc.mp4');
  });

  it('keeps shell-integrated extensions from ending a component', () => {
    expect(sanitizeComponent('x.lnk')).toBe('x.lnk_');
    expect(sanitizeComponent('folder.{20D04FE0-3AEA-1069-A2D8-08002B30309D}')).toMatch(/_$/);
  });

  it('limits components and the whole path by bytes without splitting characters', () => {
    const long = '🐈'.repeat(300);
    const out = build('{prompt:120}{prompt:120}{prompt:120}', { prompt: long });
    expectSafe(out);
    expect(out.endsWith('.mp4')).toBe(true);
    expect(out).not.toContain('\ufffd');
    expect(truncateBytes('aé🐈', 3)).toBe('aé');
    expect(truncateBytes('aé🐈', 6)).toBe('aé');
    expect(truncateBytes('aé🐈', 7)).toBe('aé🐈');
    // A family emoji is one character: it is kept whole or not at all (its joiners are removed anyway).
    expect(truncateBytes('👨‍👩‍👧', 4)).toBe('');
  });

  it('survives hostile templates', () => {
    const hostile = [
      '../../../../../../etc/passwd',
      '/absolute/{id}',
      '\\\\server\\share\\{id}',
      'C:\\Windows\\System32\\{id}',
      '{prompt:999}',
      '{index:999}',
      'CON/{id}',
      '. . ./{id}',
      '\u202e{id}',
      '{date}/../{time}',
      '~/{id}',
      'a'.repeat(5000),
      '/'.repeat(50),
      '{'.repeat(20),
      '{id}.lnk',
    ];
    for (const template of hostile) {
      const out = build(template, { prompt: 'x'.repeat(3000), index: 2, total: 5 }, '../../..');
      expectSafe(out);
    }
  });

  it('sidecars share the media name', () => {
    expect(withExtension('Sora/a.b/name.mp4', '.txt')).toBe('Sora/a.b/name.txt');
    expect(withExtension('Sora/name', '.json')).toBe('Sora/name.json');
  });

  it('takes the extension from the media URL when it is a known one', () => {
    expect(extensionFromUrl('https://videos.openai.com/x/src.mp4?se=1', '.bin')).toBe('.mp4');
    expect(extensionFromUrl('https://videos.openai.com/x/img.WEBP', '.bin')).toBe('.webp');
    expect(extensionFromUrl('https://videos.openai.com/x/raw', '.mp4')).toBe('.mp4');
    expect(extensionFromUrl('not a url', '.png')).toBe('.png');
  });
});

describe('the whole path stays within the limit', () => {
  const segments = (path: string) => path.split('/');

  it('shortens the longest folder levels first and keeps the file name whole', () => {
    const levels = Array.from({ length: 8 }, (_, i) => `level-${i}-${'x'.repeat(i === 5 ? 55 : 10)}`);
    const path = build(`${levels.join('/')}/{id}`);
    expectSafe(path);
    expect(segments(path).at(-1)).toBe('gen_01abc.mp4');
    expect(segments(path)[0]).toBe('Sora');
    // Only one level was long; it gave way, the short ones are untouched.
    expect(path).toContain('level-0-xxxxxxxxxx/level-1-xxxxxxxxxx');
    expect(path).not.toContain('x'.repeat(55));
  });

  it('drops the deepest levels when shortening is not enough', () => {
    const template = `${Array.from({ length: 40 }, (_, i) => `folder${String(i).padStart(2, '0')}`).join('/')}/{prompt}_{id}`;
    const path = build(template);
    expectSafe(path);
    expect(segments(path).at(-1)).toBe('A lighthouse at dusk_gen_01abc.mp4');
    // Levels go from the deep end: what is left is the top of the tree, in order.
    const kept = segments(path).slice(1, -1);
    expect(kept.length).toBeGreaterThan(0);
    expect(kept.length).toBeLessThan(40);
    expect(kept).toEqual(kept.map((_, i) => `folder${String(i).padStart(2, '0')}`));
  });

  it('counts bytes, not characters: long CJK and emoji folders and names', () => {
    const cjk = '灯塔在黄昏时分闪烁着光芒海浪拍打着岩石'.repeat(3);
    const emoji = '🌊🏝️🌅'.repeat(10);
    const prompt = `${'夜晚的城市'.repeat(8)}🌃`;
    const path = build(`${cjk}/${emoji}/{date}/${cjk}/{prompt:120}`, { prompt }, `下载/${'视频'.repeat(20)}`);
    expectSafe(path);
    // More characters than bytes would allow if CJK counted one each.
    expect(path.length).toBeLessThan(MAX_PATH_BYTES);
    expect(utf8Length(path)).toBeLessThanOrEqual(MAX_PATH_BYTES);
    // The file name is the whole prompt value (within its own component limit), with its extension.
    const file = segments(path).at(-1) as string;
    expect(file.endsWith('.mp4')).toBe(true);
    expect(file.startsWith('夜晚的城市')).toBe(true);
    // No emoji was cut in half along the way.
    expect(path).not.toMatch(/\p{Cs}/u);
    expect(path.normalize('NFC')).toBe(path);
  });

  it('keeps the extension when the file name alone is as long as allowed', () => {
    const path = build(`${'deep/'.repeat(30)}{prompt:120}`, { prompt: '山'.repeat(200) });
    expectSafe(path);
    expect(path.endsWith('.mp4')).toBe(true);
    expect(utf8Length(segments(path).at(-1) as string)).toBeLessThanOrEqual(MAX_COMPONENT_BYTES);
  });

  it('leaves a path that fits exactly as it was', () => {
    expect(build('{kind}/{orientation}/{id}')).toBe('Sora/video/landscape/gen_01abc.mp4');
  });
});
