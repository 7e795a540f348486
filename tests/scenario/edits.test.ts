import { describe, expect, it } from 'vitest';
import { boundaryNoise, type Dims } from '@/scripts/scenario/edits';

/** A 24^3 grid with a ball of oedema (2) around a core (1) around enhancing tumour (3). */
function phantom(): { mask: Uint8Array; dims: Dims } {
  const n = 24;
  const mask = new Uint8Array(n * n * n);
  for (let z = 0; z < n; z++)
    for (let y = 0; y < n; y++)
      for (let x = 0; x < n; x++) {
        const r = Math.hypot(x - 12, y - 12, z - 12);
        mask[x + y * n + z * n * n] = r < 3 ? 3 : r < 5 ? 1 : r < 8 ? 2 : 0;
      }
  return { mask, dims: [n, n, n] };
}

function dice(a: Uint8Array, b: Uint8Array, label: number): number {
  let inter = 0,
    na = 0,
    nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] === label,
      y = b[i] === label;
    if (x) na++;
    if (y) nb++;
    if (x && y) inter++;
  }
  return (2 * inter) / (na + nb);
}

describe('simulated reader boundary noise', () => {
  it('changes only boundary voxels, at about the requested share, to a neighbouring label', () => {
    const { mask, dims } = phantom();
    const { mask: out, boundaryVoxels, changedVoxels } = boundaryNoise(mask, dims, 'case-1', 0.1);
    expect(boundaryVoxels).toBeGreaterThan(500);
    expect(changedVoxels / boundaryVoxels).toBeGreaterThan(0.06);
    expect(changedVoxels / boundaryVoxels).toBeLessThan(0.14);
    let diff = 0;
    const n = dims[0];
    for (let i = 0; i < mask.length; i++) {
      if (out[i] === mask[i]) continue;
      diff++;
      const neighbours = [1, -1, n, -n, n * n, -n * n].map((s) => mask[i + s]);
      expect(neighbours).toContain(out[i]);
    }
    expect(diff).toBe(changedVoxels);
    // a few voxels of disagreement: the edited mask stays close to the truth
    for (const label of [1, 2, 3]) expect(dice(out, mask, label)).toBeGreaterThan(0.85);
    expect(dice(out, mask, 2)).toBeLessThan(1);
  });

  it('is deterministic per seed and leaves the input untouched', () => {
    const { mask, dims } = phantom();
    const copy = Uint8Array.from(mask);
    const a = boundaryNoise(mask, dims, 'case-1', 0.05);
    const b = boundaryNoise(mask, dims, 'case-1', 0.05);
    const c = boundaryNoise(mask, dims, 'case-2', 0.05);
    expect(mask).toEqual(copy);
    expect(a.mask).toEqual(b.mask);
    expect(c.mask).not.toEqual(a.mask);
    expect(boundaryNoise(mask, dims, 'case-1', 0).changedVoxels).toBe(0);
  });

  it('refuses a mask that does not match its grid', () => {
    expect(() => boundaryNoise(new Uint8Array(10), [2, 2, 2], 's', 0.1)).toThrow(/dims/);
  });
});
