import 'server-only';
import { db } from '../db';
import { AppError } from '../errors';
import { CaseStatus, type Prisma } from '../db/generated/client';
import { pageWindow, type ListPage, type ListParams, type SortDir } from '@/lib/lists';

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

export const CASE_SORTS = ['received', 'case', 'site', 'status'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];
export const CASE_STATUSES = Object.values(CaseStatus);

export interface CaseListQuery extends ListParams<CaseSort> {
  status?: string;
}

const CASE_ORDER: Record<CaseSort, (dir: SortDir) => Prisma.CaseOrderByWithRelationInput[]> = {
  received: (dir) => [{ createdAt: dir }, { id: dir }],
  case: (dir) => [{ externalId: dir }],
  site: (dir) => [{ site: dir }, { createdAt: 'desc' }, { id: 'desc' }],
  status: (dir) => [{ status: dir }, { createdAt: 'desc' }, { id: 'desc' }],
};

/**
 * One page of cases. The search matches the pseudonymised id or the site (a substring; case-insensitive for ASCII on
 * SQLite, exact case on PostgreSQL, whose LIKE is case-sensitive); every ordering ends on a unique key so pages never
 * overlap.
 */
export async function listCasesPage(query: CaseListQuery): Promise<ListPage<CaseRowDto>> {
  const where: Prisma.CaseWhereInput = {
    ...(query.status && (CASE_STATUSES as string[]).includes(query.status) ? { status: query.status as CaseStatus } : {}),
    ...(query.q ? { OR: [{ externalId: { contains: query.q } }, { site: { contains: query.q } }] } : {}),
  };
  const total = await db().case.count({ where });
  const win = pageWindow(total, query.page, query.pageSize);
  const rows = await db().case.findMany({
    where,
    orderBy: CASE_ORDER[query.sort](query.dir),
    skip: win.skip,
    take: query.pageSize,
    include: {
      predictions: { where: { returned: true }, include: { modelVersion: true, driftReport: true }, take: 1 },
      label: { select: { status: true } },
      _count: { select: { flags: true } },
    },
  });
  return { rows: rows.map(toCaseRow), total, page: win.page, pageSize: query.pageSize, pageCount: win.pageCount };
}

type CaseWithShown = Prisma.CaseGetPayload<{
  include: {
    predictions: { include: { modelVersion: true; driftReport: true } };
    label: { select: { status: true } };
    _count: { select: { flags: true } };
  };
}>;

function toCaseRow(c: CaseWithShown): CaseRowDto {
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
