import 'server-only';
/** What model:calibrate is asked to calibrate, and on which cases: each unknown name is refused by name. */
import { db } from '../../db';
import { AppError } from '../../errors';

/** `name@version` or a model version id. */
export async function resolveModelVersion(spec: string) {
  const at = spec.lastIndexOf('@');
  const found =
    at > 0
      ? await db().modelVersion.findUnique({ where: { name_version: { name: spec.slice(0, at), version: spec.slice(at + 1) } } })
      : await db().modelVersion.findUnique({ where: { id: spec } });
  if (!found) throw new AppError('NOT_FOUND', `model ${spec} is not registered (give name@version or a model version id)`);
  return found;
}

export async function resolveCalibrationCases(input: {
  dataset?: string;
  caseIds?: string[];
}): Promise<{ caseIds: string[]; dataset: { id: string; name: string } | null }> {
  if (!!input.dataset === !!input.caseIds?.length)
    throw new AppError('INVALID_INPUT', 'give exactly one of a dataset (id or name) and a list of case ids');
  if (input.dataset) {
    const dataset = await db().dataset.findFirst({
      where: { OR: [{ id: input.dataset }, { name: input.dataset }] },
      include: { members: { select: { caseId: true }, orderBy: { caseId: 'asc' } } },
    });
    if (!dataset) throw new AppError('NOT_FOUND', `dataset ${input.dataset} does not exist`);
    return { caseIds: dataset.members.map((m) => m.caseId), dataset: { id: dataset.id, name: dataset.name } };
  }
  const ids = [...new Set(input.caseIds)];
  const found = new Set((await db().case.findMany({ where: { id: { in: ids } }, select: { id: true } })).map((c) => c.id));
  const missing = ids.filter((id) => !found.has(id));
  if (missing.length) throw new AppError('NOT_FOUND', `case ${missing.slice(0, 5).join(', ')} does not exist`);
  return { caseIds: ids, dataset: null };
}

/** The newest calibration of a model version (its reference replaces the card's for drift), or null. */
export function latestCalibration(modelVersionId: string) {
  return db().modelCalibration.findFirst({ where: { modelVersionId }, orderBy: { createdAt: 'desc' } });
}
