/**
 * `npm run demo:record`: makes the demo's recorded training runs. A scratch database (data/demo-record/) gets the
 * demo seed and the history up to the two fine-tuning runs the ML engineer starts; the worker's own training handler
 * then runs them with the LOCAL runner (training/ in .venv), and each finished run is written to
 * models/demo-history/<key>/ (ONNX, card, trainer log and metrics, and the content of the snapshot it trained on).
 * Run it again only when the demo's cases, labels or the trainer change; `npm run db:seed` refuses a stale recording.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';

const root = path.resolve(__dirname, '../..');
const dataDir = path.join(root, 'data/demo-record');

function cli(args: string[]) {
  execFileSync(process.execPath, [path.join(root, 'node_modules/tsx/dist/cli.mjs'), '--conditions=react-server', ...args], {
    cwd: root,
    env: { ...process.env, SEED_COHORT_CASES: '0', SEED_HISTORY: '0' },
    stdio: 'inherit',
  });
}

async function main() {
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });
  Object.assign(process.env, {
    DATABASE_URL: `file:${path.join(dataDir, 'record.db')}`,
    BLOB_DRIVER: 'local',
    BLOB_ROOT: path.join(dataDir, 'blobs'),
    RUNS_DIR: path.join(dataDir, 'runs'),
    NEXTAUTH_SECRET: crypto.randomBytes(32).toString('hex'),
    // fixed, not the core count, so that every machine records the same candidates
    TRAINER_THREADS: process.env.TRAINER_THREADS ?? '2',
  });
  cli(['scripts/db.ts', 'deploy']);
  cli(['prisma/seed.ts']);
  const started = Date.now();
  const log = (m: string) => console.log(`[record ${((Date.now() - started) / 1000).toFixed(0).padStart(5)} s] ${m}`);
  const { demoCast } = await import('./cast');
  const { prepareHistory } = await import('./index');
  const { drainJobs } = await import('./worker');
  const { exportRun } = await import('./export');
  const { disconnectDb } = await import('../../lib/server/db');
  const { runs } = await prepareHistory(await demoCast(), path.join(root, 'data/cohorts'), log);
  log(`training ${runs.size} runs with training/ (LOCAL runner)`);
  await drainJobs(['workflow.train'], log);
  for (const [key, runId] of runs) log(`recorded ${key}: ${path.relative(root, await exportRun(key, runId))}`);
  await disconnectDb();
}

main().catch((e) => {
  console.error('[record] failed:', e);
  process.exit(1);
});
