import 'server-only';
import type { Rng } from './rng';
import { sampleGlioma, sampleMetastasis } from './sample';
import { MODALITIES, type CaseSpec, type Modality, type TumourSpec } from './types';

export interface Preset {
  name: string;
  /** what the preset changes; copied into the cohort README and meta.json */
  description: string;
  /** optional argument after a colon, e.g. `thick-slices:6` or `missing-modality:T2F` */
  apply(spec: CaseSpec, rng: Rng, arg?: string): void;
}

const pickSide = (rng: Rng, lo: [number, number], hi: [number, number]) => (rng.next() < 0.5 ? rng.uniform(...lo) : rng.uniform(...hi));

function parseModality(arg: string | undefined, fallback: Modality): Modality {
  const m = (arg ?? fallback).toUpperCase() as Modality;
  if (!MODALITIES.includes(m)) throw new Error(`unknown modality "${arg}"; expected one of ${MODALITIES.join(', ')}`);
  return m;
}

export const PRESETS: Preset[] = [
  {
    name: 'scanner',
    description:
      'Different vendor / 1.5 T scanner: per-modality intensity scale x0.55-0.8 or x1.3-1.8, contrast gamma 0.75-0.9 or 1.15-1.35, noise x2.5, bias field x3; site metadata becomes GE Signa HDxt 1.5 T.',
    apply(spec, rng) {
      for (const m of MODALITIES) {
        spec.scale[m] *= pickSide(rng, [0.55, 0.8], [1.3, 1.8]);
        spec.gamma[m] *= pickSide(rng, [0.75, 0.9], [1.15, 1.35]);
      }
      spec.noise *= 2.5;
      spec.bias *= 3;
      spec.site = { ...spec.site, manufacturer: 'GE', model: 'Signa HDxt', fieldStrengthT: 1.5 };
    },
  },
  {
    name: 'thick-slices',
    description:
      'Thick-slice anisotropic 2D acquisition: slice spacing 5 mm (or the argument) along k, so dims[2] shrinks to keep the field of view; each slice averages the thin slices it covers (through-plane partial volume).',
    apply(spec, _rng, arg) {
      const mm = arg ? Number(arg) : 5;
      if (!(mm > spec.spacing[2])) throw new Error(`thick-slices needs a thickness above ${spec.spacing[2]} mm, got "${arg}"`);
      const fov = spec.dims[2] * spec.spacing[2];
      spec.zOversample = Math.max(1, Math.round(mm / spec.spacing[2]));
      spec.dims = [spec.dims[0], spec.dims[1], Math.max(1, Math.round(fov / mm))];
      spec.spacing = [spec.spacing[0], spec.spacing[1], mm];
    },
  },
  {
    name: 'missing-modality',
    description: 'One sequence was not acquired: its file (T1C unless the argument names another) is not written.',
    apply(spec, _rng, arg) {
      spec.missing.push(parseModality(arg, 'T1C'));
    },
  },
  {
    name: 'swapped-modality',
    description: "Two series mislabelled at export: the files of T2W and T2F (or the argument, e.g. T1N/T1C) hold each other's images.",
    apply(spec, _rng, arg) {
      const [a, b] = (arg ?? 'T2W/T2F').split('/');
      spec.swapped.push([parseModality(a, 'T2W'), parseModality(b, 'T2F')]);
    },
  },
  {
    name: 'motion',
    description:
      'Patient motion: phase-encode (anterior-posterior) smear of 2-5 mm and an N/2 ghost of 12-25 % intensity that puts signal into the background.',
    apply(spec, rng) {
      spec.motion = { ghost: rng.uniform(0.12, 0.25), blur: rng.uniform(0.25, 0.45), shiftMm: rng.uniform(2, 5) };
    },
  },
  {
    name: 'non-enhancing',
    description:
      'Non-enhancing tumour (e.g. low-grade glioma): no enhancing rim, the whole core is label 1 (NCR/NET), so ET volume is 0 and T1C shows no bright ring.',
    apply(spec) {
      for (const t of spec.tumours) t.enhancing = false;
    },
  },
  {
    name: 'multifocal',
    description: "Multifocal disease: 1-2 further separate glioma foci, each 20-60 % of the first lesion's volume.",
    apply(spec, rng) {
      const first = spec.tumours[0];
      const wt = first ? ((4 / 3) * Math.PI * first.rEd ** 3) / 1000 : 40;
      const extra = rng.int(1, 2);
      for (let i = 0; i < extra; i++) {
        const share = rng.uniform(0.2, 0.6);
        spec.tumours.push(
          placeApart(spec.tumours, (k) => sampleGlioma(rng.fork(`focus${i}:${k}`), spec.brainRadii, wt * share * 0.93 ** k)),
        );
      }
    },
  },
  {
    name: 'metastasis',
    description:
      'Metastasis-like disease replaces the glioma: 2-6 small (0.07-1.4 mL core) ring-enhancing lesions with disproportionate oedema; whole-tumour volume is mostly below the glioma range.',
    apply(spec, rng) {
      const n = rng.int(2, 6);
      spec.tumours = [];
      for (let i = 0; i < n; i++)
        spec.tumours.push(placeApart(spec.tumours, (k) => sampleMetastasis(rng.fork(`met${i}:${k}`), spec.brainRadii)));
    },
  },
  {
    name: 'paediatric',
    description:
      'Paediatric head: brain semi-axes x0.72-0.85 (about 0.4-0.6 of adult volume); lesion positions and sizes scale with the brain.',
    apply(spec, rng) {
      const s = rng.uniform(0.72, 0.85);
      spec.brainRadii = spec.brainRadii.map((r) => r * s) as [number, number, number];
      for (const t of spec.tumours) {
        t.centre = t.centre.map((c) => c * s) as [number, number, number];
        t.rEd *= s;
        t.rTc *= s;
        t.rim = Math.min(t.rim, t.rTc * 0.7);
      }
    },
  },
];

/**
 * Separate foci must be separate: redraw (deterministically, callers may shrink later draws) until the new lesion's
 * furthest possible oedema (1.45 x its radius, see tumourClass) clears every existing one by 2 mm; after 40 tries keep
 * the last draw rather than loop forever in a crowded small brain.
 */
function placeApart(existing: TumourSpec[], draw: (attempt: number) => TumourSpec): TumourSpec {
  let t = draw(0);
  for (let k = 1; k < 40; k++) {
    const clear = existing.every((e) => Math.hypot(...e.centre.map((c, i) => c - t.centre[i])) > 1.45 * (e.rEd + t.rEd) + 2);
    if (clear) break;
    t = draw(k);
  }
  return t;
}

/** Applies `name[:arg]` presets in order, each with its own random stream so composing never perturbs the baseline. */
export function applyPresets(spec: CaseSpec, shifts: string[], rng: Rng): void {
  for (const shift of shifts) {
    const [name, arg] = shift.split(':');
    const preset = PRESETS.find((p) => p.name === name);
    if (!preset) throw new Error(`unknown shift preset "${name}"; known: ${PRESETS.map((p) => p.name).join(', ')}`);
    preset.apply(spec, rng.fork(`preset:${shift}`), arg);
    spec.shifts.push(shift);
  }
}
