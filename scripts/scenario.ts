/**
 * `npm run scenario`: the closed loop of TumorWatch, end to end, measured (scripts/scenario/README.md).
 *   tsx --conditions=react-server scripts/scenario.ts [--small] [--n-stream N] [--retrain-n N] [--epochs N] ...
 * Needs a production build (`npx next build`, as `npm run demo` makes); exits non-zero unless the loop closed, i.e.
 * the retrained candidate was promoted and serves production (with --accept-rejection, also when the gate rejected it
 * and production kept its model: what CI checks). Writes bench/results/scenario.json.
 */
import crypto from 'node:crypto';
import path from 'node:path';
import { parseScenarioArgs, USAGE } from './scenario/options';
import { hasProductionBuild } from './scenario/server';
import { productionEnv, productionOf, type ProductionChoice } from './scenario/production';

const root = path.resolve(__dirname, '..');

async function main() {
  let o;
  try {
    o = parseScenarioArgs(process.argv.slice(2));
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    console.error(USAGE);
    process.exit(2);
  }
  let production: ProductionChoice | null;
  try {
    production = productionOf(o, root, process.env.MODELS_DIR);
  } catch (e) {
    console.error(e instanceof Error ? e.message : e);
    process.exit(2);
  }
  if (!hasProductionBuild(root)) {
    console.error('No production build in .next: run `npx next build` first (the scenario drives the real app with `next start`).');
    process.exit(2);
  }
  const dataDir = path.resolve(root, o.dataDir);
  // The scenario's own database, blobs and run folders; set before any server module reads the environment.
  // NODE_ENV stays out: `next start` sets production itself, and the scenario process keeps its own.
  const { NODE_ENV: _nodeEnv, ...inherited } = process.env;
  const env: Record<string, string | undefined> = {
    ...inherited,
    DATABASE_URL: `file:${path.join(dataDir, 'scenario.db')}`,
    BLOB_DRIVER: 'local',
    BLOB_ROOT: path.join(dataDir, 'blobs'),
    RUNS_DIR: path.join(dataDir, 'runs'),
    WORKER_MODE: 'inline',
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString('hex'),
    NEXT_TELEMETRY_DISABLED: '1',
    // nothing else runs while the scenario waits for its training run, so the trainer takes both cores; fixed (not the
    // core count) so that every machine trains the same candidate
    TRAINER_THREADS: inherited.TRAINER_THREADS ?? '2',
    // a --model-dir model's checkpoint is found as MODELS_DIR/<name>-<version>/checkpoint.pt when fine-tuning
    ...(o.modelDir ? { MODELS_DIR: path.dirname(path.resolve(root, o.modelDir)) } : {}),
    // --production: the imported model is retrained through the COMMAND runner with its family's command
    ...(production ? productionEnv(production, root) : {}),
  };
  Object.assign(process.env, env);

  // Ctrl-C or a kill ends the run through process.exit, whose handler (scenario/server.ts) stops the app it started.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));
  const started = Date.now();
  const log = (m: string) => console.log(`[scenario ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${m}`);
  const { runScenario } = await import('./scenario/run');
  const { summary, writeResult } = await import('./scenario/report');
  const result = await runScenario(o, root, env, log);
  console.log(summary(result));
  const out = path.resolve(root, o.out);
  writeResult(out, result);
  console.log(`\nfigures written to ${path.relative(root, out)}; app log ${path.relative(root, path.join(dataDir, 'server.log'))}`);
  const rejectedAndKeptOut = o.acceptRejection && result.rejection?.keptOut === true;
  if (rejectedAndKeptOut)
    console.log('accepted (--accept-rejection): the gate rejected the candidate and production kept the model it had.');
  process.exit(result.promotedCandidate || rejectedAndKeptOut ? 0 : 1);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
