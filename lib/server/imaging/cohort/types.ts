import 'server-only';

export const MODALITIES = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export type Modality = (typeof MODALITIES)[number];

/** Tissue classes of the phantom; the seg file maps NCR/ED/ET to product labels 1/2/3. */
export const CLASS = { BG: 0, CSF: 1, GM: 2, WM: 3, NCR: 4, ED: 5, ET: 6 } as const;
export const CLASS_TO_LABEL = Uint8Array.from([0, 0, 0, 0, 1, 2, 3]);

/**
 * Mean signal per class (BG, CSF, GM, WM, NCR, ED, ET) on an arbitrary int16 scale with WM near 900 on T1.
 * The orderings follow clinical appearance: T1C makes the rim bright, FLAIR suppresses CSF and lights up oedema,
 * T2 is bright for CSF and oedema, T1 shows the tumour dark.
 */
export const BASE_CONTRAST: Record<Modality, number[]> = {
  T1N: [0, 300, 650, 900, 350, 600, 560],
  T1C: [0, 320, 680, 920, 380, 620, 1500],
  T2W: [0, 2000, 900, 600, 1700, 1400, 1100],
  T2F: [0, 200, 700, 520, 900, 1300, 1000],
};

export interface TumourSpec {
  /** centre in mm relative to the brain centre, RAS */
  centre: [number, number, number];
  /** outer radius of the oedema (mm, before tissue-dependent spread) */
  rEd: number;
  /** radius of the tumour core (NCR + ET) */
  rTc: number;
  /** enhancing rim thickness (mm) */
  rim: number;
  enhancing: boolean;
  /** amplitude of the core's boundary irregularity (fraction of radius) */
  shapeAmp: number;
}

export interface SiteInfo {
  site: string;
  manufacturer: string;
  model: string;
  fieldStrengthT: number;
}

export interface CaseSpec {
  caseId: string;
  seed: string;
  domain: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  /** sub-slices rendered per output slice along z; >1 simulates thick slices by averaging thin ones */
  zOversample: number;
  /** brain semi-axes in mm (left-right, anterior-posterior, superior-inferior) */
  brainRadii: [number, number, number];
  /** amplitude of the brain outline's irregularity (fraction of radius) */
  brainWobble: number;
  ventricleScale: number;
  tumours: TumourSpec[];
  contrast: Record<Modality, number[]>;
  /** per-modality multiplicative scale and gamma (scanner-dependent contrast) */
  scale: Record<Modality, number>;
  gamma: Record<Modality, number>;
  /** Rician noise sigma as a fraction of the WM signal */
  noise: number;
  /** bias field strength: the log-gain varies by about +-bias across the brain */
  bias: number;
  motion: { ghost: number; blur: number; shiftMm: number } | null;
  missing: Modality[];
  swapped: [Modality, Modality][];
  site: SiteInfo;
  shifts: string[];
}
