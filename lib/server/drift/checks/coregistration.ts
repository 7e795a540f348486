import 'server-only';
/**
 * Input family: how well the sequences co-registered at ingestion (lib/server/imaging/coregister.ts) line up with
 * the reference sequence. The model reads the four sequences voxel by voxel, so a sequence left misaligned feeds it
 * mismatched tissue at every voxel: that fails the case. Absent for a case whose sequences shared one grid.
 *
 * Thresholds, from what the co-registration tests measure (Mattes MI, 50 bins, the same sample before and after):
 * - misaligned pairs scored 0.18 (synthetic FLAIR, 4° and 3.7 mm off) and 0.275 (a real 240x240x155 FLAIR, same
 *   motion); aligned pairs 0.43 (that real FLAIR after registration) to 0.60 (synthetic T1N on T1C). A final MI below
 *   MI_FLOOR (0.3) therefore looks like a sequence still misaligned (or the wrong series).
 * - genuine corrections raised MI by +57% (real) and +171% (synthetic); a pair already aligned moved 0.04° / 0.01 mm
 *   and gained 1%. A registration that moved a sequence a lot (>= 2° or >= 2 mm) for under MIN_GAIN (+10%) is an
 *   optimiser that wandered on a flat metric: its alignment cannot be trusted. Small moves with small gains are the
 *   scanner's headers already being right, and pass.
 */
import type { CaseMetadataStats, CheckResult, RegistrationFigures } from '../types';
import { MAX_SCORE, fmt } from './tail';

export const MI_FLOOR = 0.3;
export const MIN_GAIN = 0.1;
const BIG_ROTATION_DEG = 2;
const BIG_SHIFT_MM = 2;

const rotation = (r: RegistrationFigures) => Math.max(...r.rotationDeg.map(Math.abs));
const shift = (r: RegistrationFigures) => Math.hypot(...r.translationMm);
const gain = (r: RegistrationFigures) => (r.miAfter - r.miBefore) / Math.max(r.miBefore, 1e-6);
const pct = (x: number) => `${x >= 0 ? '+' : ''}${Math.round(x * 100)}%`;

/** 1 at a fail threshold, below 1 inside both rules (like every scored check). */
function scoreOf(r: RegistrationFigures): number {
  const floor = MI_FLOOR / Math.max(r.miAfter, 1e-6);
  const bigMove = r.used === 'registration' && (rotation(r) >= BIG_ROTATION_DEG || shift(r) >= BIG_SHIFT_MM);
  const moved = bigMove ? MIN_GAIN / Math.max(gain(r), 1e-6) : 0;
  return Math.min(MAX_SCORE, Math.max(floor, moved));
}

function describe(r: RegistrationFigures): string {
  const mi = `MI ${fmt(r.miBefore)} → ${fmt(r.miAfter)} (${pct(gain(r))})`;
  return r.used === 'registration'
    ? `${r.modality} onto ${r.reference}: moved ${fmt(rotation(r))}° / ${fmt(shift(r))} mm, ${mi}`
    : `${r.modality} onto ${r.reference}: header alignment kept (registration scored lower), ${mi}`;
}

function failure(r: RegistrationFigures): string | null {
  if (r.miAfter < MI_FLOOR)
    return `${r.modality} still looks misaligned with ${r.reference} after co-registration: mutual information ${fmt(r.miAfter)} is below ${MI_FLOOR} (aligned sequences score 0.43-0.60)`;
  if (scoreOf(r) > 1)
    return `co-registration moved ${r.modality} ${fmt(rotation(r))}° / ${fmt(shift(r))} mm but raised mutual information only ${pct(gain(r))} (${fmt(r.miBefore)} → ${fmt(r.miAfter)}); a real correction gains far more, so its alignment with ${r.reference} is doubtful`;
  return null;
}

export function coregistrationCheck(meta: CaseMetadataStats): CheckResult | null {
  const regs = meta.registrations ?? [];
  if (regs.length === 0) return null; // one grid: nothing was resampled, nothing to judge
  const scores = regs.map(scoreOf);
  const failures = regs.map(failure).filter((f): f is string => f !== null);
  const summary = regs.map(describe).join('; ');
  return {
    family: 'input',
    kind: 'coregistration',
    label: 'co-registration',
    value: Math.min(...regs.map((r) => r.miAfter)),
    reference: summary,
    threshold: { miFloor: MI_FLOOR, minGain: MIN_GAIN, bigMove: `${BIG_ROTATION_DEG}° or ${BIG_SHIFT_MM} mm` },
    verdict: failures.length ? 'fail' : 'pass',
    score: Math.max(...scores),
    reason: failures.length ? failures.join('; ') : `co-registered: ${summary}`,
  };
}
