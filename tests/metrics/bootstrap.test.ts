import { describe, expect, it } from 'vitest';
import { bootstrapMeanCI, bootstrapPairedDifferenceCI, quantileSorted, seededRng } from '@/lib/metrics/bootstrap';

/** Standard normal draws by Box-Muller from the seeded generator. */
function normals(seed: number, n: number, mu = 0, sigma = 1): number[] {
  const rng = seededRng(seed);
  return Array.from({ length: n }, () => mu + sigma * Math.sqrt(-2 * Math.log(1 - rng())) * Math.cos(2 * Math.PI * rng()));
}

describe('seededRng', () => {
  it('is reproducible, seed-dependent and uniform on [0, 1)', () => {
    const a = seededRng(42);
    const b = seededRng(42);
    const c = seededRng(43);
    const xs = Array.from({ length: 20000 }, () => a());
    expect(xs.slice(0, 5)).toEqual(Array.from({ length: 5 }, () => b()));
    expect(xs[0]).not.toBe(c());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    const bins = new Array(10).fill(0);
    for (const x of xs) bins[Math.floor(x * 10)]++;
    for (const n of bins) expect(Math.abs(n - 2000)).toBeLessThan(200); // ~4.7 sigma
  });
});

describe('quantileSorted', () => {
  it('interpolates linearly like numpy', () => {
    const s = Float64Array.from([1, 2, 3, 4]);
    expect(quantileSorted(s, 0)).toBe(1);
    expect(quantileSorted(s, 1)).toBe(4);
    expect(quantileSorted(s, 0.5)).toBe(2.5);
    expect(quantileSorted(s, 0.025)).toBeCloseTo(1.075, 12);
  });
});

describe('bootstrapMeanCI', () => {
  it('is deterministic for a seed and brackets the sample mean', () => {
    const x = normals(1, 40, 0.8, 0.1);
    const ci = bootstrapMeanCI(x, { seed: 7 });
    expect(bootstrapMeanCI(x, { seed: 7 })).toEqual(ci);
    expect(bootstrapMeanCI(x, { seed: 8 }).lower).not.toBe(ci.lower);
    expect(ci.lower).toBeLessThan(ci.estimate);
    expect(ci.upper).toBeGreaterThan(ci.estimate);
    // Width close to the normal-theory 2 * 1.96 * s / sqrt(n).
    const sd = Math.sqrt(x.reduce((s, v) => s + (v - ci.estimate) ** 2, 0) / (x.length - 1));
    expect((ci.upper - ci.lower) / ((2 * 1.96 * sd) / Math.sqrt(x.length))).toBeGreaterThan(0.85);
    expect((ci.upper - ci.lower) / ((2 * 1.96 * sd) / Math.sqrt(x.length))).toBeLessThan(1.15);
  });

  it('covers the true mean about 95% of the time', () => {
    let covered = 0;
    const trials = 200;
    for (let t = 0; t < trials; t++) {
      const ci = bootstrapMeanCI(normals(100 + t, 30, 5, 2), { seed: t, resamples: 1000 });
      if (ci.lower <= 5 && 5 <= ci.upper) covered++;
    }
    // Percentile bootstrap undercovers slightly at n=30; a broken interval lands far outside this band.
    expect(covered / trials).toBeGreaterThan(0.88);
    expect(covered / trials).toBeLessThan(0.99);
  });

  it('refuses empty and non-finite samples', () => {
    expect(() => bootstrapMeanCI([])).toThrow(/empty/);
    expect(() => bootstrapMeanCI([1, NaN])).toThrow(/non-finite/);
    expect(bootstrapMeanCI([3])).toMatchObject({ estimate: 3, lower: 3, upper: 3 });
  });
});

describe('bootstrapPairedDifferenceCI', () => {
  it('detects a small consistent improvement that unpaired resampling would hide in between-case spread', () => {
    const base = normals(5, 50, 0.8, 0.15);
    const jitter = normals(9, 50);
    const better = base.map((v, i) => v + 0.01 + 0.005 * jitter[i]);
    const ci = bootstrapPairedDifferenceCI(better, base, { seed: 3 });
    expect(ci.estimate).toBeCloseTo(0.01, 2);
    expect(ci.lower).toBeGreaterThan(0);
    const same = bootstrapPairedDifferenceCI(base, base, { seed: 3 });
    expect([same.lower, same.upper]).toEqual([0, 0]);
    const noise = bootstrapPairedDifferenceCI(normals(11, 50, 0.8, 0.15), base, { seed: 3 });
    expect(noise.lower).toBeLessThan(0.02);
    expect(() => bootstrapPairedDifferenceCI([1, 2], [1])).toThrow(/length/);
  });
});
