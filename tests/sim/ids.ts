/** Seeded randomness, so a run with the same seed hands out the same ids. */
export class Rng {
  #state: number;

  constructor(seed: number) {
    this.#state = seed >>> 0 || 0x9e3779b9;
  }

  /** mulberry32: tiny, fast, good enough for ids. */
  next(): number {
    this.#state = (this.#state + 0x6d2b79f5) >>> 0;
    let t = this.#state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  }

  int(maxExclusive: number): number {
    return Math.floor(this.next() * maxExclusive);
  }

  chars(alphabet: string, n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += alphabet[this.int(alphabet.length)];
    return out;
  }

  hex(n: number): string {
    return this.chars('0123456789abcdef', n);
  }

  alnum(n: number): string {
    return this.chars('ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', n);
  }

  uuid(): string {
    const h = this.hex(32);
    const variant = '89ab'[this.int(4)];
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20)}`;
  }
}

const ULID_ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

/** The id families of NOTES.md. */
export class IdFactory {
  constructor(private readonly rng: Rng) {}

  /** `task_01…`, 26 characters in all. */
  task(): string {
    return `task_01${this.rng.chars(ULID_ALPHABET, 19)}`;
  }
  generation(): string {
    return `gen_01${this.rng.chars(ULID_ALPHABET, 24)}`;
  }
  post(): string {
    return `s_${this.rng.hex(32)}`;
  }
  character(): string {
    return `ch_${this.rng.hex(32)}`;
  }
  cameo(): string {
    return `cameo_${this.rng.hex(24)}`;
  }
  user(): string {
    return `user-${this.rng.alnum(24)}`;
  }
  upload(): string {
    return `upload_${this.rng.alnum(24)}`;
  }
  filePointer(): string {
    return `sediment://file_${this.rng.hex(32)}`;
  }
  opaque(n: number): string {
    return this.rng.alnum(n);
  }
  hex(n: number): string {
    return this.rng.hex(n);
  }
  uuid(): string {
    return this.rng.uuid();
  }
}

/** FNV-1a over the joined parts: a stable number for deterministic per-entity choices. */
export function hash32(...parts: (string | number)[]): number {
  let h = 0x811c9dc5;
  const s = parts.join('\u0000');
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
