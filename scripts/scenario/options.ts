/**
 * Command-line options of `npm run scenario`. Two sizes share one code path: the full run (the default, under 45
 * minutes on a 2-core machine) and `--small` (the CI-sized run, under 10 minutes); any flag overrides either preset.
 */
import { parseArgs } from 'node:util';

export interface ScenarioOptions {
  small: boolean;
  /** scenario folder (database, blobs, runs, logs); wiped at start: every run is a fresh set-up */
  dataDir: string;
  /** generated cohorts are cached here across runs (input data, not state) */
  cacheDir: string;
  seed: string;
  /**
   * the shifted domain: presets of lib/server/imaging/cohort/presets.ts, composed. Default scanner+motion (a new 1.5 T
   * site whose fast protocol ghosts): v1.0.0 lost the most Dice on it among the presets (scripts/scenario/README.md)
   */
  shift: string[];
  size: [number, number, number];
  /** labelled domain-A cases in the locked internal hold-out */
  holdoutA: number;
  /** labelled domain-A cases placed in the training set at set-up (what production was trained on) */
  trainA: number;
  /** cases of the monitored stream before retraining */
  nStream: number;
  /** stream position (fraction) of the first shifted case; the shifted share then grows linearly */
  shiftStart: number;
  /** the shifted share reached at the end of the stream */
  shiftShare: number;
  /** share of in-distribution stream cases a physician flags */
  flagRate: number;
  /** approved drifter/flagged cases that trigger retraining (Setting retrain.n) */
  retrainN: number;
  /** share of those cases held out as the drifter hold-out (Setting retrain.holdoutFraction) */
  holdoutFraction: number;
  /** fine-tuning epochs (Setting retrain.epochs) */
  epochs: number;
  nShadow: number;
  nCanary: number;
  canaryPercent: number;
  /**
   * production model folder to deploy instead of the committed models/tumorwatch-seg-1.0.0 (named <name>-<version>,
   * with model.onnx, model-card.json and checkpoint.pt); null: the demo seed's
   */
  modelDir: string | null;
  /**
   * an imported model (a folder with a card v2 and its ONNX files, or name@version of such a folder under MODELS_DIR)
   * deployed as production and retrained through the COMMAND runner (scenario/production.ts); null: --model-dir or v1.0.0
   */
  production: string | null;
  /** the COMMAND runner's argv (JSON) for --production; null: the model family's own (scenario/production.ts) */
  productionCommand: string | null;
  /** for an nnU-Net --production model: the trained-model folder it was imported from (plans.json, dataset.json) */
  nnunetSource: string | null;
  /** acceptance criteria (a JSON file of lib/schemas/criteria.ts) the ML engineer saves at set-up; null: the defaults */
  criteria: string | null;
  /** port for the scenario's `next start` (default: a free one) */
  port: number | null;
  /** output file of the flat JSON figures */
  out: string;
  /**
   * exit 0 also when the gate rejects the candidate and the product keeps it out of production (CI: the loop's
   * machinery is checked end to end whatever the fine-tuned model's quality; the default demands a promotion)
   */
  acceptRejection: boolean;
}

const PRESETS = {
  full: { holdoutA: 16, trainA: 16, nStream: 90, retrainN: 30, epochs: 12, nShadow: 12, nCanary: 12, shiftStart: 0.25, shiftShare: 0.7 },
  small: { holdoutA: 5, trainA: 4, nStream: 24, retrainN: 8, epochs: 6, nShadow: 3, nCanary: 3, shiftStart: 0.2, shiftShare: 0.9 },
} as const;

function int(v: string | undefined, name: string, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min} (got "${v}")`);
  return n;
}

function fraction(v: string | undefined, name: string, fallback: number): number {
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!(n >= 0 && n <= 1)) throw new Error(`--${name} must be between 0 and 1 (got "${v}")`);
  return n;
}

function triple(v: string): [number, number, number] {
  const t = v.split(',').map(Number);
  if (t.length !== 3 || t.some((x) => !Number.isInteger(x) || x < 16))
    throw new Error(`--size needs three integers, e.g. 240,240,155 (got "${v}")`);
  return t as [number, number, number];
}

export const USAGE = `usage: npm run scenario -- [--small] [--n-stream N] [--retrain-n N] [--epochs N] [--holdout-a N] [--train-a N]
  [--shift scanner,motion] [--shift-start 0.25] [--shift-share 0.7] [--flag-rate 0.1] [--holdout-fraction 0.3]
  [--n-shadow N] [--n-canary N] [--canary-percent 50] [--seed S] [--size 240,240,155]
  [--data-dir data/scenario] [--cache-dir data/scenario-cache] [--model-dir DIR]
  [--production DIR|name@version [--production-command JSON] [--nnunet-source DIR]] [--criteria FILE] [--port P] [--out bench/results/scenario.json] [--accept-rejection]`;

export function parseScenarioArgs(argv: string[]): ScenarioOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      small: { type: 'boolean', default: false },
      help: { type: 'boolean', default: false },
      'data-dir': { type: 'string' },
      'cache-dir': { type: 'string' },
      seed: { type: 'string' },
      shift: { type: 'string' },
      size: { type: 'string' },
      'holdout-a': { type: 'string' },
      'train-a': { type: 'string' },
      'n-stream': { type: 'string' },
      'shift-start': { type: 'string' },
      'shift-share': { type: 'string' },
      'flag-rate': { type: 'string' },
      'retrain-n': { type: 'string' },
      'holdout-fraction': { type: 'string' },
      epochs: { type: 'string' },
      'n-shadow': { type: 'string' },
      'n-canary': { type: 'string' },
      'canary-percent': { type: 'string' },
      port: { type: 'string' },
      out: { type: 'string' },
      'model-dir': { type: 'string' },
      production: { type: 'string' },
      'production-command': { type: 'string' },
      'nnunet-source': { type: 'string' },
      criteria: { type: 'string' },
      'accept-rejection': { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const p = values.small ? PRESETS.small : PRESETS.full;
  const o: ScenarioOptions = {
    small: values.small ?? false,
    dataDir: values['data-dir'] ?? 'data/scenario',
    cacheDir: values['cache-dir'] ?? 'data/scenario-cache',
    seed: values.seed ?? '11',
    shift: (values.shift ?? 'scanner,motion')
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean),
    size: triple(values.size ?? '240,240,155'),
    holdoutA: int(values['holdout-a'], 'holdout-a', p.holdoutA, 2),
    trainA: int(values['train-a'], 'train-a', p.trainA, 0),
    nStream: int(values['n-stream'], 'n-stream', p.nStream, 4),
    shiftStart: fraction(values['shift-start'], 'shift-start', p.shiftStart),
    shiftShare: fraction(values['shift-share'], 'shift-share', p.shiftShare),
    flagRate: fraction(values['flag-rate'], 'flag-rate', 0.1),
    retrainN: int(values['retrain-n'], 'retrain-n', p.retrainN, 2),
    holdoutFraction: fraction(values['holdout-fraction'], 'holdout-fraction', 0.3),
    epochs: int(values.epochs, 'epochs', p.epochs, 1),
    nShadow: int(values['n-shadow'], 'n-shadow', p.nShadow, 1),
    nCanary: int(values['n-canary'], 'n-canary', p.nCanary, 1),
    canaryPercent: int(values['canary-percent'], 'canary-percent', 50, 1),
    modelDir: values['model-dir'] ?? null,
    production: values.production ?? null,
    productionCommand: values['production-command'] ?? null,
    nnunetSource: values['nnunet-source'] ?? null,
    criteria: values.criteria ?? null,
    port: values.port ? int(values.port, 'port', 0, 1) : null,
    out: values.out ?? 'bench/results/scenario.json',
    acceptRejection: values['accept-rejection'] ?? false,
  };
  if (o.canaryPercent > 50) throw new Error('--canary-percent must be 1-50 (the registry refuses more)');
  if (o.holdoutFraction >= 0.9) throw new Error('--holdout-fraction must be below 0.9');
  if (o.production && o.modelDir) throw new Error('--production and --model-dir both choose the production model: give one');
  if ((o.productionCommand || o.nnunetSource) && !o.production)
    throw new Error('--production-command and --nnunet-source go with --production');
  if (o.shift.length === 0) throw new Error('--shift needs at least one preset');
  return o;
}
