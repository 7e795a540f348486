/**
 * For e2e/demo-walk.spec.ts: the demo app with its seeded history, on its own port, database and blob folder (the
 * history locks a hold-out and moves models through the registry, which the other specs' shared database must not
 * see). `startDemoApp` resets and seeds data/e2e-demo exactly as `npm run demo` seeds (history included), serves the
 * production build with scripts/serve.sh, and reads back which rows the walk opens.
 */
import { execFileSync, spawn } from 'node:child_process';
import fs from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

export const DEMO_PORT = 3101;
const DIR = 'data/e2e-demo';
export const DEMO_ENV = {
  DATABASE_URL: `file:./${DIR}/demo.db`,
  BLOB_ROOT: `${DIR}/blobs`,
  RUNS_DIR: `${DIR}/runs`,
  NEXTAUTH_URL: `http://localhost:${DEMO_PORT}`,
  NEXTAUTH_SECRET_FILE: `${DIR}/.nextauth-secret`,
  PSEUDONYM_KEY_FILE: `${DIR}/.pseudonym-key`,
  DICOM_REFS_KEY_FILE: `${DIR}/.dicom-refs-key`,
  WORKER_MODE: 'inline',
  NEXT_TELEMETRY_DISABLED: '1',
  // the history brings its own cases; the walk needs no others
  SEED_COHORT_CASES: '0',
};

export interface DemoRows {
  runId: string;
  candidateId: string;
  candidateStage: string;
  evaluationId: string;
  waitingId: string;
  waitingStage: string;
}

export interface DemoApp {
  rows: DemoRows;
  stop(): void;
}

export async function startDemoApp(): Promise<DemoApp> {
  fs.rmSync(DIR, { recursive: true, force: true });
  const env = { ...process.env, ...DEMO_ENV, PORT: String(DEMO_PORT) };
  execFileSync('npm', ['run', '--silent', 'db:reset'], { env, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'db:seed'], { env, stdio: 'inherit' });
  const out = execFileSync('npx', ['tsx', '--conditions=react-server', 'e2e/helpers/demo-rows.ts'], { env, encoding: 'utf8' });
  const rows = JSON.parse(out.trim().split('\n').at(-1)!) as DemoRows;
  // its own process group, so that stop() ends next start and everything it started
  const server = spawn('bash', ['scripts/serve.sh'], { env, stdio: 'ignore', detached: true });
  const stop = () => {
    if (server.pid && server.exitCode === null) process.kill(-server.pid, 'SIGTERM');
  };
  for (let i = 0; i < 240; i++) {
    const up = await fetch(`http://localhost:${DEMO_PORT}/login`).then(
      (r) => r.ok,
      () => false,
    );
    if (up) return { rows, stop };
    if (server.exitCode !== null) break;
    await sleep(500);
  }
  stop();
  throw new Error(`the demo app did not answer on port ${DEMO_PORT}`);
}
