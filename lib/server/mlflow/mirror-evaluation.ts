import 'server-only';
import { db } from '../db';
import type { EvaluationAggregate } from '../evaluation/types';
import type { Metric, MlflowClient, Tag } from './client';
import { saveLink } from './links';
import { experimentName } from './mirror-run';

/** MLflow metric keys allow letters, digits, _ - . / and spaces: a set's name may not. */
const safe = (s: string) => s.replace(/[^A-Za-z0-9_\-./ ]/g, '_');

/** Per set and region: candidate Dice, lesion-wise Dice, lesion F1, HD95 and, with a baseline, the Dice difference. */
export function evaluationMetrics(aggregate: EvaluationAggregate, timestamp: number): Metric[] {
  const out: Metric[] = [];
  const put = (key: string, value: number | undefined) => {
    if (value !== undefined && Number.isFinite(value)) out.push({ key: safe(key), value, timestamp, step: 0 });
  };
  for (const set of aggregate.sets) {
    put(`${set.name}/n`, set.n);
    if (set.improvement) put(`${set.name}/improvement`, set.improvement.estimate);
    for (const [region, r] of Object.entries(set.regions ?? {})) {
      put(`${set.name}/${region}/dice`, r.candidate.dice.estimate);
      put(`${set.name}/${region}/lw_dice`, r.candidate.lw_dice.estimate);
      put(`${set.name}/${region}/lesion_f1`, r.candidate.lesion_f1);
      put(`${set.name}/${region}/hd95`, r.candidate.hd95Mean);
      if (r.difference) put(`${set.name}/${region}/dice_diff`, r.difference.dice.estimate);
    }
  }
  return out;
}

/**
 * Mirrors a finished evaluation as a run (keyed `evaluation:<id>`) in the experiment of the evaluated model's name:
 * per-set metrics, the gate's verdict as a tag, the evaluated and baseline model ids. Metrics are logged once: a retry
 * finds the run and its metrics already there.
 */
export async function mirrorEvaluation(client: MlflowClient, evaluationId: string): Promise<void> {
  const ev = await db().evaluation.findUnique({ where: { id: evaluationId }, include: { modelVersion: true, criteria: true } });
  if (!ev) throw new Error(`evaluation ${evaluationId} does not exist`);
  const experimentId = await client.experimentId(experimentName(ev.modelVersion.name));
  const tags: Tag[] = [
    { key: 'tumorwatch.evaluation_id', value: ev.id },
    { key: 'tumorwatch.model_version_id', value: ev.modelVersionId },
    { key: 'tumorwatch.baseline_model_id', value: ev.baselineModelId ?? '' },
    { key: 'tumorwatch.verdict', value: ev.verdict },
  ];
  const run = await client.ensureRun(
    experimentId,
    `evaluation:${ev.id}`,
    `evaluate ${ev.modelVersion.name} ${ev.modelVersion.version}`,
    tags,
  );
  const already = await client.metricHistory(run.runId, 'gate_passed');
  if (already.length === 0) {
    const metrics = ev.aggregate
      ? evaluationMetrics(ev.aggregate as unknown as EvaluationAggregate, (ev.finishedAt ?? ev.createdAt).getTime())
      : [];
    for (let i = 0; i < metrics.length; i += 900) await client.logBatch(run.runId, { metrics: metrics.slice(i, i + 900) });
    await client.logBatch(run.runId, {
      params: [{ key: 'criteria_version', value: String(ev.criteria.version) }],
      tags: [{ key: 'tumorwatch.verdict', value: ev.verdict }],
      // written last: its presence means every other metric of this run was logged
      metrics: [{ key: 'gate_passed', value: ev.verdict === 'PASS' ? 1 : 0, timestamp: Date.now(), step: 0 }],
    });
  }
  await client.finishRun(run.runId, 'FINISHED');
  await saveLink('evaluation', ev.id, { experimentId, runId: run.runId });
}
