/**
 * The demo history's fixed plan: which synthetic cases play which part. Everything is seeded (cohort seed, case
 * indices, edit noise, hold-out split), so a recording made by `npm run demo:record` and a later `npm run db:seed`
 * see the same cases with the same label bytes: that is what lets the seed check a recorded run's training data
 * against its own snapshot instead of trusting it.
 */
import path from 'node:path';
import type { CohortSpec } from '../../scripts/scenario/cohorts';

/** Domain A: the production model's own distribution (locked internal hold-out, training replay, monitoring). */
export const SITE_A: CohortSpec = { domain: 'A', seed: 'demo-history', shifts: [], size: [240, 240, 155] };
/**
 * Domain B: a second site, a 1.5 T scanner from another vendor whose fast protocol ghosts (the generator's "scanner" and
 * "motion" presets, as in `npm run scenario`). With "scanner" alone production already segments it as well as domain A
 * (mean Dice change of a fine-tune on the drifter hold-out -0.0005): there was nothing for retraining to fix.
 */
export const SITE_B: CohortSpec = { domain: 'B', seed: 'demo-history', shifts: ['scanner', 'motion'], size: [240, 240, 155] };

export const PLAN = {
  /** domain-A cases whose reference standard is imported, approved and locked away as the internal hold-out */
  holdoutA: 3,
  /**
   * domain-A cases labelled into the training set (fine-tuning replays what production learnt from). With 2, the
   * fine-tuned candidate regressed on the locked domain-A hold-out (WT Dice -0.007, CI lower bound -0.018; the gate's
   * margin is -0.01) and the gate refused it.
   */
  trainA: 5,
  /** second-site arrivals corrected by a radiologist, approved by the second reader: what retraining learns from */
  drifters: 6,
  /** share of the approved drifters held out to evaluate retraining (the product's seeded, site-stratified split) */
  drifterHoldoutFraction: 0.3,
  splitSeed: 'demo-history',
  /** arrivals while the candidate is in shadow, then in canary (second-site and domain-A alternate) */
  shadowCases: 2,
  canaryCases: 2,
  canaryPercent: 50,
  /** share of boundary voxels the correcting radiologist moves (as in the scenario's reading room) */
  boundaryNoise: 0.03,
  /**
   * The two recorded fine-tuning runs: the first goes through the whole cycle, the second waits for a decision. Short
   * (30 and 20 steps of the parent's preset): on a shared 2-core machine a step took ~20 s when they were recorded.
   */
  runs: [
    { key: 'cycle', seed: 1, epochs: 3, stepsPerEpoch: 10 },
    { key: 'waiting', seed: 2, epochs: 2, stepsPerEpoch: 10 },
  ],
} as const;

export type RunKey = (typeof PLAN.runs)[number]['key'];

/** Committed recordings of the demo's training runs (model, card, trainer log and metrics, the data they saw). */
export const RECORDINGS_DIR = path.resolve(__dirname, '../../models/demo-history');
