import 'server-only';
/**
 * One reference case through the real pipeline, measured exactly as production measures a served case: the
 * segmentation (lib/server/inference), the drift statistics of its images and metadata (lib/server/drift), its
 * lesion count, the flip test-time augmentation and nesting (lib/server/drift/agnostic), and the approved label's
 * volumes when the case has one.
 */
import { db } from '../../db';
import { segment, type LoadedModel } from '../../inference';
import { componentCounts, subregionVolumes, voxelMl } from '../../inference/summary';
import { trainerAffine } from '../../inference/preprocess';
import { loadCaseVolumes } from '../../serving/case-volumes';
import { getApprovedLabel, readLabelVersionMask } from '../../labels';
import { imageStats, metadataStats } from '../../drift/case-stats';
import { lesionCount } from '../../drift/lesions';
import { flipStats, type Axis } from '../../drift/agnostic/flip';
import type { CalibrationCase } from './reference';
import type { CaseMetadataStats } from '../../drift/types';
import type { CaseVolumes } from '../../inference/preprocess';

function truthOf(mask: Uint8Array, dims: [number, number, number], mlPerVoxel: number): CalibrationCase['truth'] {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < mask.length; i++) if (mask[i] < 4) counts[mask[i]]++;
  return { volumesMl: subregionVolumes(counts, mlPerVoxel), components: componentCounts(mask, dims) };
}

export interface MeasureOptions {
  flips: Axis[][];
  minLesionMl: number;
}

/**
 * One case already in memory (the volumes the pipeline reads, the metadata the drift report reads, the approved
 * label if any): what calibration and bench/drift.ts both measure.
 */
export async function measureVolumes(
  model: LoadedModel,
  input: { caseId: string; volumes: CaseVolumes; meta: CaseMetadataStats; truthMask: Uint8Array | null },
  opts: MeasureOptions,
): Promise<CalibrationCase> {
  const { volumes } = input;
  const result = await segment({ model, volumes });
  const mlPerVoxel = voxelMl(trainerAffine(volumes.T1N));
  const tta = await flipStats(model, volumes, result.mask, opts.flips);
  return {
    caseId: input.caseId,
    meta: input.meta,
    image: imageStats(volumes),
    predicted: {
      volumesMl: result.volumesMl,
      components: result.componentCounts,
      lesions: lesionCount(result.mask, result.dims, mlPerVoxel, opts.minLesionMl),
      uncertainty: result.uncertainty,
    },
    features: result.features,
    truth: input.truthMask ? truthOf(input.truthMask, result.dims, mlPerVoxel) : null,
    tta: { disagreement: tta.disagreement, nesting: tta.nesting },
  };
}

/** A stored case: its volumes, metadata and approved label read from the database and blob store. */
export async function measureCase(model: LoadedModel, caseId: string, opts: MeasureOptions): Promise<CalibrationCase> {
  const row = await db().case.findUnique({ where: { id: caseId }, include: { volumes: true } });
  if (!row) throw new Error(`case ${caseId} does not exist`);
  const label = await getApprovedLabel(caseId);
  return measureVolumes(
    model,
    {
      caseId,
      volumes: await loadCaseVolumes(caseId),
      meta: metadataStats(row, row.volumes),
      truthMask: label ? await readLabelVersionMask(caseId, label.versionId) : null,
    },
    opts,
  );
}
