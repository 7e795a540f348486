/**
 * The closed loop, stage by stage, timed: set-up, cohorts, the real app, the locked hold-out, the monitored stream
 * with the reading room until retraining triggers, training, the evaluation gate, shadow, canary, promotion.
 * Loaded by scripts/scenario.ts after the scenario's environment is in place.
 */
import path from 'node:path';
import { addCasesToDataset, lockDataset } from '@/lib/server/datasets/members';
import { listDatasets } from '@/lib/server/datasets/queries';
import { disconnectDb } from '@/lib/server/db';
import { retryBusy } from './busy';
import { ensureCohort, type CaseRef } from './cohorts';
import { streamCases, throughput } from './collect';
import { canaryFigures, enterCanary, enterShadow, gateFigures, promote, rejectionFigures, shadowFigures } from './lifecycle';
import { productionModel } from '@/lib/server/workflows/parent';
import { driftDetection } from './measure';
import type { ScenarioOptions } from './options';
import { planStream, planSteady } from './plan';
import { labelCase, type ReadingRoom } from './radiologist';
import type { ScenarioResult } from './report';
import { startAppServer, type AppServer } from './server';
import { configure, freshDatabase, type Cast } from './setup';
import { runReadingRoom, runStream, type StreamContext } from './stream';
import { waitEvaluation, waitRun } from './waits';
import { calibrateIfNeeded } from './calibrate';

const MIN = 60_000;

export async function runScenario(
  o: ScenarioOptions,
  root: string,
  env: Record<string, string | undefined>,
  log: (m: string) => void,
): Promise<ScenarioResult> {
  const t0 = Date.now();
  const r: ScenarioResult = {
    config: {
      small: o.small,
      shift: o.shift.join('+'),
      nStream: o.nStream,
      retrainN: o.retrainN,
      epochs: o.epochs,
      holdoutA: o.holdoutA,
      trainA: o.trainA,
      seed: o.seed,
      size: o.size.join('x'),
      ...(o.production ? { production: o.production, runner: 'COMMAND' } : {}),
    },
    stages: {},
    totalSeconds: 0,
    throughput: null,
    drift: null,
    retrain: null,
    gate: null,
    shadow: null,
    canary: null,
    promotion: null,
    promotedCandidate: false,
    rejection: null,
    error: null,
  };
  const stage = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const s = Date.now();
    log(`== ${name}`);
    try {
      return await fn();
    } finally {
      r.stages[name] = (Date.now() - s) / 1000;
    }
  };
  let server: AppServer | null = null;
  try {
    const dataDir = path.resolve(root, o.dataDir);
    const cast: Cast = await stage('setup', async () => {
      await freshDatabase(root, o, env);
      return configure(o);
    });
    const productionBefore = (await productionModel())?.id ?? null;

    // Domain A feeds the hold-out, the training replay, and the in-distribution arrivals; domain B every shifted one.
    const stream = planStream(o.nStream, o.shiftStart, o.shiftShare);
    const later = planSteady(o.nShadow + o.nCanary, o.shiftShare);
    const needA = o.holdoutA + o.trainA + [...stream, ...later].filter((d) => d === 'A').length;
    const needB = [...stream, ...later].filter((d) => d === 'shifted').length;
    const { a, b } = await stage('cohorts', async () => {
      const a = await ensureCohort(path.resolve(root, o.cacheDir), { domain: 'A', seed: o.seed, shifts: [], size: o.size }, needA, log);
      const b = await ensureCohort(
        path.resolve(root, o.cacheDir),
        { domain: 'B', seed: o.seed, shifts: o.shift, size: o.size },
        needB,
        log,
      );
      log(`cohorts: ${needA} domain-A and ${needB} shifted cases (${a.generated + b.generated} generated, the rest cached)`);
      return { a: a.cases, b: b.cases };
    });
    const take = (() => {
      let ia = o.holdoutA + o.trainA;
      let ib = 0;
      return (plan: ('A' | 'shifted')[]): CaseRef[] => plan.map((d) => (d === 'A' ? a[ia++] : b[ib++]));
    })();

    server = await stage('server', () =>
      startAppServer({ root, env, logFile: path.join(dataDir, 'server.log'), port: o.port ?? undefined }),
    );
    const ctx: StreamContext = { baseUrl: server.url, cast, seed: o.seed, flagRate: o.flagRate, known: new Map(), log };

    await stage('holdout', async () => {
      const sets = await listDatasets();
      const holdout = sets.find((d) => d.kind === 'HOLDOUT_INTERNAL' && !d.locked);
      const train = sets.find((d) => d.kind === 'TRAIN');
      if (!holdout || !train) throw new Error('the seed created no internal hold-out or training dataset');
      const groups = [
        { refs: a.slice(0, o.holdoutA), set: holdout },
        { refs: a.slice(o.holdoutA, o.holdoutA + o.trainA), set: train },
      ];
      let turn = 0;
      for (const g of groups) {
        if (!g.refs.length) continue;
        const arrivals = await runStream({ ...ctx, flagRate: 0 }, g.refs, { inFlight: 2, timeoutMs: g.refs.length * 2 * MIN });
        for (const x of arrivals) await labelCase(cast, ctx.baseUrl, x.caseId, x.ref, { mode: 'import', seed: o.seed, turn: turn++ });
        await retryBusy(() => addCasesToDataset(cast.mlEngineer, { datasetId: g.set.id, caseIds: arrivals.map((x) => x.caseId) }));
        log(`${g.set.name}: ${arrivals.length} labelled domain-A cases`);
      }
      await retryBusy(() => lockDataset(cast.mlEngineer, holdout.id));
    });
    // an imported production model is calibrated on the labelled training cases before it is watched
    if (productionBefore && o.production) await stage('calibration', () => calibrateIfNeeded(cast, productionBefore, log));

    const room: ReadingRoom = { approved: 0, trigger: null, triggeredAt: null };
    const arrivals = await stage('stream', async () => {
      let done = false;
      let failure: unknown = null;
      const streamCtx: StreamContext = { ...ctx, settled: new Map() };
      const reading = runReadingRoom(streamCtx, () => done, room).catch((e) => {
        failure = e;
      });
      try {
        return await runStream({ ...streamCtx, failure: () => failure }, take(stream), { inFlight: 2, timeoutMs: o.nStream * 2 * MIN });
      } finally {
        done = true;
        await reading;
        if (failure) throw failure;
      }
    });
    const cases = await streamCases(arrivals);
    r.drift = driftDetection(cases);
    r.throughput = await throughput(arrivals, cases);
    const trig = room.trigger;
    r.retrain = {
      triggered: !!trig?.triggered,
      approvedLabels: room.approved,
      train: trig?.triggered ? trig.train : 0,
      holdout: trig?.triggered ? trig.holdout : 0,
      runStatus: null,
      candidate: null,
    };
    if (!trig?.triggered)
      throw new Error(
        `retraining did not trigger: ${trig?.pending ?? room.approved} of ${o.retrainN} cases pending after the stream (raise --n-stream or lower --retrain-n)`,
      );

    const run = await stage('training', () => waitRun(trig.runId, 60 * MIN, log));
    r.retrain.runStatus = run.status;
    if (run.status !== 'SUCCEEDED' || !run.modelVersionId) throw new Error(`training run ${trig.runId} ${run.status}: ${run.error ?? ''}`);
    const candidateId = run.modelVersionId;
    r.retrain.candidate = run.model;
    if (o.production) await stage('calibration-candidate', () => calibrateIfNeeded(cast, candidateId, log));
    r.gate = await stage('evaluation', async () => gateFigures(await waitEvaluation(candidateId, 30 * MIN, log), ctx.known));
    if (r.gate.verdict !== 'PASS') {
      r.rejection = await rejectionFigures(candidateId, productionBefore);
      throw new Error(`the candidate failed the evaluation gate: ${r.gate.failed.join('; ')}`);
    }

    const rest = take(later);
    r.shadow = await stage('shadow', async () => {
      await enterShadow(cast, candidateId, r.gate!);
      await runStream(ctx, rest.slice(0, o.nShadow), { inFlight: 2, firstIndex: o.nStream, timeoutMs: o.nShadow * 3 * MIN });
      return shadowFigures(candidateId);
    });
    r.canary = await stage('canary', async () => {
      await enterCanary(cast, candidateId, o.canaryPercent, r.shadow!);
      await runStream(ctx, rest.slice(o.nShadow), { inFlight: 2, firstIndex: o.nStream + o.nShadow, timeoutMs: o.nCanary * 3 * MIN });
      return canaryFigures(candidateId);
    });
    r.promotion = await stage('promotion', () => promote(cast, candidateId, dataDir, r.canary!));
    r.promotedCandidate = r.promotion.productionId === candidateId;
  } catch (e) {
    r.error = e instanceof Error ? e.message : String(e);
  } finally {
    await server?.stop();
    await disconnectDb();
    r.totalSeconds = (Date.now() - t0) / 1000;
  }
  return r;
}
