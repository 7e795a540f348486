import 'server-only';

/** Deterministic PRNG (sfc32): identical sequences on every platform, unlike Math.random. */
export class Rng {
  private a: number;
  private b: number;
  private c: number;
  private d: number;

  constructor(seed: number | string) {
    const h = hash32(String(seed));
    this.a = h;
    this.b = hash32(`${seed}:b`);
    this.c = hash32(`${seed}:c`);
    this.d = 1;
    for (let i = 0; i < 15; i++) this.next();
  }

  /** uniform in [0, 1) */
  next(): number {
    const t = (((this.a + this.b) | 0) + this.d) | 0;
    this.d = (this.d + 1) | 0;
    this.a = this.b ^ (this.b >>> 9);
    this.b = (this.c + (this.c << 3)) | 0;
    this.c = (this.c << 21) | (this.c >>> 11);
    this.c = (this.c + t) | 0;
    return (t >>> 0) / 4294967296;
  }

  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }

  int(lo: number, hiInclusive: number): number {
    return lo + Math.floor(this.next() * (hiInclusive - lo + 1));
  }

  /** log-uniform: sizes (volumes) spread evenly across orders of magnitude, as lesion volumes are */
  logUniform(lo: number, hi: number): number {
    return Math.exp(this.uniform(Math.log(lo), Math.log(hi)));
  }

  normal(): number {
    const u = Math.max(this.next(), 1e-12);
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * this.next());
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  /** A child generator with its own stream, so adding draws in one part never shifts another part's values. */
  fork(label: string): Rng {
    return new Rng(`${this.a}:${this.b}:${this.c}:${label}`);
  }
}

/** FNV-1a then a murmur finaliser: a well-mixed 32-bit hash of a string. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

let normalTable: Float32Array | null = null;

/**
 * 2^16 standard normal samples. Voxel noise reads this table through an inline xorshift stream: tens of millions of
 * draws per case without a log/sqrt/cos each; at this table size the repetition is invisible in an image.
 */
export function gaussianTable(): Float32Array {
  if (!normalTable) {
    const rng = new Rng('fast-normal-table');
    normalTable = Float32Array.from({ length: 65536 }, () => rng.normal());
  }
  return normalTable;
}
