import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';

export interface CaseRowDto {
  id: string;
  externalId: string;
  site: string | null;
  scanner: string | null;
  status: string;
  createdAt: string;
  modelVersion: string | null;
  isDrifter: boolean | null;
  flagCount: number;
  labelStatus: string | null;
}

export async function listCases(opts: { take?: number; status?: string } = {}): Promise<CaseRowDto[]> {
  const rows = await db().case.findMany({
    where: opts.status ? { status: opts.status as never } : undefined,
    orderBy: { createdAt: 'desc' },
    take: Math.min(opts.take ?? 200, 1000),
    include: {
      predictions: { where: { returned: true }, include: { modelVersion: true, driftReport: true }, take: 1 },
      label: { select: { status: true } },
      _count: { select: { flags: true } },
    },
  });
  return rows.map((c) => {
    const p = c.predictions[0];
    return {
      id: c.id,
      externalId: c.externalId,
      site: c.site,
      scanner: [c.scannerManufacturer, c.scannerModel].filter(Boolean).join(' ') || null,
      status: c.status,
      createdAt: c.createdAt.toISOString(),
      modelVersion: p ? `${p.modelVersion.name}@${p.modelVersion.version}` : null,
      isDrifter: p?.driftReport?.isDrifter ?? null,
      flagCount: c._count.flags,
      labelStatus: c.label?.status ?? null,
    };
  });
}

export interface CaseDetailDto {
  id: string;
  externalId: string;
  site: string | null;
  scannerManufacturer: string | null;
  scannerModel: string | null;
  fieldStrength: number | null;
  acquisitionDate: string | null;
  status: string;
  createdAt: string;
  volumes: {
    id: string;
    modality: string;
    blobKey: string;
    sha256: string;
    dims: number[];
    spacing: number[];
    orientation: string;
    datatype: string;
  }[];
}

export async function getCaseDetail(caseId: string): Promise<CaseDetailDto> {
  const c = await db().case.findUnique({ where: { id: caseId }, include: { volumes: { orderBy: { modality: 'asc' } } } });
  if (!c) throw new AppError('NOT_FOUND', 'No such case.');
  return {
    id: c.id,
    externalId: c.externalId,
    site: c.site,
    scannerManufacturer: c.scannerManufacturer,
    scannerModel: c.scannerModel,
    fieldStrength: c.fieldStrength,
    acquisitionDate: c.acquisitionDate?.toISOString() ?? null,
    status: c.status,
    createdAt: c.createdAt.toISOString(),
    volumes: c.volumes.map((v) => ({
      id: v.id,
      modality: v.modality,
      blobKey: v.blobKey,
      sha256: v.sha256,
      dims: v.dims as number[],
      spacing: v.spacing as number[],
      orientation: v.orientation,
      datatype: v.datatype,
    })),
  };
}
