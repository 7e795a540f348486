import 'server-only';
/** Runs every check family on one case's statistics and combines them into the drifter verdict. Pure. */
import type { DriftSettings } from '../settings';
import type { CaseStats, CheckFamily, CheckResult, DriftReference } from '../types';
import { acquisitionChecks, geometryChecks, modalitiesCheck, spacingCheck } from './metadata';
import { brainVolumeCheck, intensityChecks } from './intensity';
import { featureCheck, shapeChecks } from './image';
import { componentChecks, lesionCheck, ratioCheck, uncertaintyCheck, volumeChecks } from './output';
import { infoCheck } from './tail';
import { markUncalibrated, namePopulation } from './calibration';
import { agnosticChecks } from './agnostic';
import { coregistrationCheck } from './coregistration';
import { skullStripCheck } from './skull-strip';
import { dicomAcquisitionChecks } from './acquisition';

export interface DriftVerdict {
  checks: CheckResult[];
  /** the largest check score (1 = at a fail threshold); ranks the review queue */
  score: number;
  isDrifter: boolean;
  /** failures first (most severe first), then warnings */
  reasons: string[];
  families: Record<CheckFamily, { score: number; failed: number }>;
}

export function runChecks(stats: CaseStats, ref: DriftReference, settings: DriftSettings): CheckResult[] {
  const checks: CheckResult[] = [
    modalitiesCheck(stats.meta),
    spacingCheck(stats.meta, ref, settings),
    ...geometryChecks(stats.meta, ref),
    ...acquisitionChecks(stats.meta, ref, settings),
    ...dicomAcquisitionChecks(stats.meta, ref, settings),
  ];
  for (const extra of [coregistrationCheck(stats.meta), skullStripCheck(stats.meta, ref)]) if (extra) checks.push(extra);
  if (stats.image) {
    checks.push(
      ...intensityChecks(stats.image, ref, settings),
      brainVolumeCheck(stats.image, ref, settings),
      ...shapeChecks(stats.image, ref, settings),
    );
  } else {
    checks.push(infoCheck('input', 'intensity', 'intensity statistics', null, 'images not read'));
  }
  if (stats.output) {
    checks.push(
      featureCheck(stats.output.features, ref, settings),
      ...volumeChecks(stats.output, ref, settings),
      ratioCheck(stats.output, ref, settings),
      ...componentChecks(stats.output, ref, settings),
      lesionCheck(stats.output, ref, settings),
      uncertaintyCheck(stats.output, ref, settings),
      ...agnosticChecks(stats.output, ref, settings),
    );
  } else {
    checks.push(infoCheck('output', 'prediction', 'prediction', null, 'no prediction (inference did not run)'));
  }
  return checks;
}

export function combine(checks: CheckResult[]): DriftVerdict {
  const families: DriftVerdict['families'] = {
    input: { score: 0, failed: 0 },
    image: { score: 0, failed: 0 },
    output: { score: 0, failed: 0 },
  };
  for (const c of checks) {
    if (c.advisory) continue;
    const f = families[c.family];
    f.score = Math.max(f.score, c.score ?? 0);
    if (c.verdict === 'fail') f.failed++;
  }
  const failed = checks.filter((c) => c.verdict === 'fail').sort((a, b) => (b.score ?? 0) - (a.score ?? 0));
  const warned = checks.filter((c) => c.verdict === 'warn');
  return {
    checks,
    score: Math.max(0, ...checks.filter((c) => !c.advisory).map((c) => c.score ?? 0)),
    isDrifter: failed.length > 0,
    reasons: [...failed, ...warned].map((c) => c.reason).filter((r): r is string => !!r),
    families,
  };
}

export function evaluateCase(stats: CaseStats, ref: DriftReference, settings: DriftSettings): DriftVerdict {
  return combine(namePopulation(markUncalibrated(runChecks(stats, ref, settings), ref), ref));
}
