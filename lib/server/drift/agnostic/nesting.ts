import 'server-only';
/**
 * Nesting of a sigmoid model's regions (e.g. MONAI's TC, WT, ET): the card paints them in order, outer first, so
 * each painted region should lie inside the one painted before it (ET in TC in WT). The labels a softmax model
 * writes nest by construction; a sigmoid model decides each region on its own, and the final mask hides a violation
 * (a later paint overwrites), so the raw window outputs are checked: the share of an inner region's voxels whose
 * outer region is below its threshold.
 */
import type { ModelCard } from '@/lib/schemas/model-card';

const logit = (p: number) => Math.log(p / (1 - p));

export class NestingCounter {
  private inner: number[];
  private outside: number[];

  private constructor(
    private pairs: { outer: number; inner: number; outerCut: number; innerCut: number }[],
    private classes: number,
    /** voxels per window (the card's patch) */
    private pv: number,
  ) {
    this.inner = pairs.map(() => 0);
    this.outside = pairs.map(() => 0);
  }

  /** null for a softmax model (nothing to check) or a sigmoid model painting fewer than two regions. */
  static forCard(card: ModelCard): NestingCounter | null {
    const out = card.output;
    if (out.kind !== 'sigmoid' || out.paint.length < 2) return null;
    // thresholds compared on the raw outputs: sigmoid(x) > t  <=>  x > logit(t)
    const cut = (ch: number) => logit(out.classes[ch].threshold ?? 0.5);
    const pairs = out.paint
      .slice(1)
      .map((p, i) => ({ outer: out.paint[i].channel, inner: p.channel, outerCut: cut(out.paint[i].channel), innerCut: cut(p.channel) }));
    const [p0, p1, p2] = card.inference.patchSize;
    return new NestingCounter(pairs, out.classes.length, p0 * p1 * p2);
  }

  /** Counts one batch of raw window outputs, laid out (n, K, P0, P1, P2) (anything after the n windows is ignored). */
  add(logits: Float32Array, n: number): void {
    const pv = this.pv;
    for (let b = 0; b < n; b++) {
      const base = b * this.classes * pv;
      this.pairs.forEach((p, k) => {
        const o = base + p.outer * pv;
        const inn = base + p.inner * pv;
        for (let i = 0; i < pv; i++)
          if (logits[inn + i] > p.innerCut) {
            this.inner[k]++;
            if (!(logits[o + i] > p.outerCut)) this.outside[k]++;
          }
      });
    }
  }

  observer(): (logits: Float32Array, n: number) => void {
    return (logits, n) => this.add(logits, n);
  }

  /** The worst pair's share of inner voxels outside the outer region (0 when no inner voxel was predicted). */
  violation(): number {
    return Math.max(0, ...this.pairs.map((_, k) => (this.inner[k] ? this.outside[k] / this.inner[k] : 0)));
  }
}
