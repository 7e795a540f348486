import 'server-only';
import type { Rng } from './rng';
import { BASE_CONTRAST, MODALITIES, type CaseSpec, type Modality, type TumourSpec } from './types';

export interface GridOptions {
  dims: [number, number, number];
  spacing: [number, number, number];
}

export const DEFAULT_GRID: GridOptions = { dims: [240, 240, 155], spacing: [1, 1, 1] };

export const REFERENCE_SITE = { manufacturer: 'Siemens', model: 'MAGNETOM Prisma', fieldStrengthT: 3 };

/** The reference (domain-A-like) distribution of one case; presets then shift it. */
export function sampleBaseline(rng: Rng, caseId: string, seed: string, domain: string, grid: GridOptions): CaseSpec {
  const scaleRadius = rng.uniform(0.94, 1.06);
  const brainRadii: [number, number, number] = [
    68 * scaleRadius * rng.uniform(0.96, 1.04),
    84 * scaleRadius * rng.uniform(0.96, 1.04),
    60 * scaleRadius * rng.uniform(0.96, 1.04),
  ];
  const contrast = {} as Record<Modality, number[]>;
  for (const m of MODALITIES) contrast[m] = BASE_CONTRAST[m].map((v) => v * rng.uniform(0.95, 1.05));
  return {
    caseId,
    seed,
    domain,
    dims: [...grid.dims],
    spacing: [...grid.spacing],
    zOversample: 1,
    brainRadii,
    brainWobble: rng.uniform(0.03, 0.06),
    ventricleScale: rng.uniform(0.8, 1.3),
    tumours: [sampleGlioma(rng.fork('glioma'), brainRadii, rng.logUniform(20, 150))],
    contrast,
    scale: { T1N: 1, T1C: 1, T2W: 1, T2F: 1 },
    gamma: { T1N: 1, T1C: 1, T2W: 1, T2F: 1 },
    noise: rng.uniform(0.02, 0.035),
    bias: rng.uniform(0.05, 0.12),
    motion: null,
    missing: [],
    swapped: [],
    site: { site: domain, ...REFERENCE_SITE },
    shifts: [],
  };
}

/**
 * A glioma sized so that its oedema sphere holds about `wtMl` (the tissue-dependent spread trims this a little),
 * with a core of 15-55 % of it and a 2-6 mm enhancing rim, placed deep enough that the core stays inside the brain.
 */
export function sampleGlioma(rng: Rng, brainRadii: [number, number, number], wtMl: number): TumourSpec {
  const rEd = Math.cbrt((3 * wtMl * 1000) / (4 * Math.PI));
  const rTc = rEd * Math.cbrt(rng.uniform(0.15, 0.55));
  const rim = Math.min(rng.uniform(2, 6), Math.max(1.5, rTc * 0.7));
  return { centre: placeInside(rng, brainRadii, rTc + 4), rEd, rTc, rim, enhancing: true, shapeAmp: rng.uniform(0.1, 0.25) };
}

/** A small ring-enhancing lesion with disproportionate oedema, as brain metastases typically show. */
export function sampleMetastasis(rng: Rng, brainRadii: [number, number, number]): TumourSpec {
  const rTc = rng.uniform(2.5, 7);
  return {
    centre: placeInside(rng, brainRadii, rTc + 3),
    rEd: rTc * rng.uniform(1.5, 2.3),
    rTc,
    rim: Math.min(rng.uniform(1.5, 3), rTc * 0.8),
    enhancing: true,
    shapeAmp: rng.uniform(0.03, 0.1),
  };
}

/** Uniform direction, depth chosen so that the point sits at least `marginMm` inside the ellipsoid. */
function placeInside(rng: Rng, radii: [number, number, number], marginMm: number): [number, number, number] {
  const minR = Math.min(...radii);
  const maxFrac = Math.max(0.1, Math.min(0.7, 1 - marginMm / minR));
  const frac = rng.uniform(0.15, maxFrac);
  const z = rng.uniform(-0.6, 0.9); // gliomas sit mostly supratentorial: bias upwards
  const phi = rng.uniform(0, 2 * Math.PI);
  const s = Math.sqrt(1 - z * z);
  const dir = [s * Math.cos(phi), s * Math.sin(phi), z];
  // Keep off the midline so the lesion lives in one hemisphere, as most do.
  if (Math.abs(dir[0]) < 0.25) dir[0] = Math.sign(dir[0] || 1) * 0.25;
  return [dir[0] * radii[0] * frac, dir[1] * radii[1] * frac, dir[2] * radii[2] * frac];
}
