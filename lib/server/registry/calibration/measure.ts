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

function truthOf(mask: Uint8Array, dims: [number, number, number], mlPerVoxel: number): CalibrationCase['truth'] {
  const counts = [0, 0, 0, 0];
  for (let i = 0; i < mask.length; i++) if (mask[i] < 4) counts[mask[i]]++;
  return { volumesMl: subregionVolumes(counts, mlPerVoxel), components: componentCounts(mask, dims) };
}

export async function measureCase(
  model: LoadedModel,
  caseId: string,
  opts: { flips: Axis[][]; minLesionMl: number },
): Promise<CalibrationCase> {
  const row = await db().case.findUnique({ where: { id: caseId }, include: { volumes: true } });
  if (!row) throw new Error(`case ${caseId} does not exist`);
  const volumes = await loadCaseVolumes(caseId);
  const result = await segment({ model, volumes });
  const meta = metadataStats(row, row.volumes);
  const mlPerVoxel = voxelMl(trainerAffine(volumes.T1N));
  const tta = await flipStats(model, volumes, result.mask, opts.flips);
  const label = await getApprovedLabel(caseId);
  const truth = label ? truthOf(await readLabelVersionMask(caseId, label.versionId), result.dims, mlPerVoxel) : null;
  return {
    caseId,
    meta,
    image: imageStats(volumes),
    predicted: {
      volumesMl: result.volumesMl,
      components: result.componentCounts,
      lesions: lesionCount(result.mask, result.dims, mlPerVoxel, opts.minLesionMl),
      uncertainty: result.uncertainty,
    },
    features: result.features,
    truth,
    tta: { disagreement: tta.disagreement, nesting: tta.nesting },
  };
}
