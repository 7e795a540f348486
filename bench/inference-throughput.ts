/**
 * Throughput of one worker process fed continuously from the queue (issue #27): N real cases are ingested (each
 * enqueues its serving job, as in production), then the worker's own serving handler drains the queue: prediction,
 * mask and prediction writes, drift report. Two set-ups, each on a fresh database, in this one process:
 *   before: the network on the main thread, one case at a time (the worker before #27);
 *   after:  the network in its own thread, two cases at a time (INFERENCE_NETWORK=thread, worker/handlers.ts).
 * Reports cases/hour and the p50/p95 of every stage (Prediction.timingsMs.stages), and checks both set-ups stored the
 * same masks. Run through `npm run bench:inference -- --cases N`; merges its figures into bench/results/inference.json.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SYSTEM } from '@/lib/server/auth/actor';
import { resetBlobsForTests } from '@/lib/server/blobs';
import { ingestCase } from '@/lib/server/cases/ingest';
import { db, disconnectDb } from '@/lib/server/db';
import { resetEnvCache } from '@/lib/server/env';
import { releaseModels } from '@/lib/server/inference';
import { createQueue } from '@/lib/server/jobs';
import { readModelDir, registerModelVersion } from '@/lib/server/registry/register';
import { serveCaseJob } from '@/lib/server/serving/jobs';
import { serveCase } from '@/lib/server/serving/serve-case';
import { STAGES, type StoredTimings } from '@/lib/server/serving/stage-timings';
import { handlers } from '@/worker/handlers';
import { createTestDatabase } from '../tests/support/db';
import { realCaseFiles, REAL_CASES } from '../tests/support/real-data';
import { PRODUCTION_MODEL } from '../tests/inference/model-fixture';

export interface Setup {
  name: 'before' | 'after';
  network: 'main' | 'thread';
  concurrency: number;
}
export const SETUPS: Setup[] = [
  { name: 'before', network: 'main', concurrency: 1 },
  { name: 'after', network: 'thread', concurrency: 2 },
];

const quantile = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))] : NaN;
};

export interface SetupResult {
  casesPerHour: number;
  wallMs: number;
  stages: Record<string, { p50: number; p95: number }>;
  /** the distinct mask sha256s stored for each source case (one each when serving is deterministic) */
  masks: Record<string, string[]>;
}

/** One set-up on a fresh database and blob store: a warm-up case served directly, then N cases through the queue. */
export async function runSetup(setup: Setup, cases: number): Promise<SetupResult> {
  const database = await createTestDatabase();
  const blobRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-bench-blobs-'));
  Object.assign(process.env, { DATABASE_URL: database.url, BLOB_DRIVER: 'local', BLOB_ROOT: blobRoot, INFERENCE_NETWORK: setup.network });
  resetEnvCache();
  resetBlobsForTests();
  await releaseModels();
  const queue = createQueue({ pollMs: 50 });
  try {
    await registerModelVersion(SYSTEM, { ...(await readModelDir(PRODUCTION_MODEL)), stage: 'PRODUCTION' });
    // the warm-up case pays for the session creation and the JIT outside the measured run
    const warm = await ingestCase(SYSTEM, { caseId: `warm-${setup.name}` }, realCaseFiles(REAL_CASES[0]));
    await serveCase(warm.caseId);
    const source = new Map<string, string>();
    for (let i = 0; i < cases; i++) {
      const from = REAL_CASES[i % REAL_CASES.length];
      source.set((await ingestCase(SYSTEM, { caseId: `${setup.name}-${i}-${from}` }, realCaseFiles(from))).caseId, from);
    }
    const ids = [...source.keys()];
    await queue.work(serveCaseJob, handlers[serveCaseJob.name].handler, { concurrency: setup.concurrency });
    const t0 = performance.now();
    await queue.start();
    while ((await db().driftReport.count({ where: { caseId: { in: ids } } })) < ids.length) await new Promise((r) => setTimeout(r, 50));
    const wallMs = performance.now() - t0;
    const predictions = await db().prediction.findMany({ where: { caseId: { in: ids } } });
    const timings = predictions.map((p) => p.timingsMs as StoredTimings);
    const stages = Object.fromEntries(
      [...STAGES, 'requestToReport'].map((s) => {
        const xs = timings.map((t) => (s === 'requestToReport' ? t.requestToReport! : t.stages![s as (typeof STAGES)[number]]));
        return [s, { p50: quantile(xs, 0.5), p95: quantile(xs, 0.95) }];
      }),
    );
    const masks: Record<string, string[]> = {};
    for (const p of predictions) masks[source.get(p.caseId)!] = [...new Set([...(masks[source.get(p.caseId)!] ?? []), p.maskSha256])];
    return { casesPerHour: (ids.length / wallMs) * 3_600_000, wallMs, stages, masks };
  } finally {
    await queue.stop();
    await disconnectDb();
    await releaseModels();
    await database.drop();
    fs.rmSync(blobRoot, { recursive: true, force: true });
  }
}

const round = (v: number, d = 1) => Math.round(v * 10 ** d) / 10 ** d;

/** Both set-ups, `cases` cases each; prints them and merges the flat figures into bench/results/inference.json. */
export async function throughputBench(cases: number, resultFile: string): Promise<void> {
  const results: Partial<Record<Setup['name'], SetupResult>> = {};
  for (const setup of SETUPS) {
    results[setup.name] = await runSetup(setup, cases);
    const r = results[setup.name]!;
    console.log(
      `${setup.name} (network ${setup.network === 'thread' ? 'in its own thread' : 'on the main thread'}, ${setup.concurrency} case(s) at a time): ${round(r.casesPerHour, 0)} cases/hour`,
    );
    for (const [s, q] of Object.entries(r.stages)) console.log(`  ${s.padEnd(16)} p50 ${round(q.p50)} ms  p95 ${round(q.p95)} ms`);
  }
  const before = results.before!;
  const after = results.after!;
  const same = Object.keys(before.masks).every(
    (k) => before.masks[k].length === 1 && after.masks[k]?.length === 1 && before.masks[k][0] === after.masks[k][0],
  );
  const flat: Record<string, number | boolean | string> = {
    throughputCases: cases,
    throughputLoadAvg1m: round(os.loadavg()[0], 2),
    casesPerHourWorkerBefore: round(before.casesPerHour, 0),
    casesPerHourWorker: round(after.casesPerHour, 0),
    throughputRatio: round(after.casesPerHour / before.casesPerHour, 3),
    throughputTarget: 1.5,
    throughputMasksIdentical: same,
  };
  for (const [name, r] of Object.entries(results))
    for (const [s, q] of Object.entries(r!.stages)) {
      const key = `${s}${name === 'before' ? 'Before' : ''}`;
      flat[`${key}P50Ms`] = round(q.p50);
      flat[`${key}P95Ms`] = round(q.p95);
    }
  console.log(
    `throughput ${flat.casesPerHourWorker} vs ${flat.casesPerHourWorkerBefore} cases/hour = ${flat.throughputRatio} (target >= 1.5); same masks: ${same}`,
  );
  const previous = fs.existsSync(resultFile) ? (JSON.parse(fs.readFileSync(resultFile, 'utf8')) as object) : {};
  fs.mkdirSync(path.dirname(resultFile), { recursive: true });
  fs.writeFileSync(resultFile, `${JSON.stringify({ ...previous, ...flat }, null, 2)}\n`);
  if (!same) throw new Error('the two set-ups stored different masks');
}
