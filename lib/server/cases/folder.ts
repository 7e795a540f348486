import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { UploadedFile } from './ingest';

/**
 * Recognises a case folder's files by naming convention (the suffix before .nii[.gz]):
 *   BraTS 2023: <id>-t1n, -t1c, -t2w, -t2f, -seg   (labels 1/2/3)
 *   BraTS 2020: <id>_t1, _t1ce, _t2, _flair, _seg  (labels 1/2/4, remapped 4 -> 3 on import)
 * A `meta.json` beside them supplies metadata (site, scanner, ...); the case id defaults to the folder name.
 */
const CONVENTIONS = [
  { labelMap: 'brats2023', suffixes: { t1n: 't1n', t1c: 't1c', t2w: 't2w', t2f: 't2f', seg: 'mask' } },
  { labelMap: 'brats2020', suffixes: { t1: 't1n', t1ce: 't1c', t2: 't2w', flair: 't2f', seg: 'mask' } },
] as const;

export interface CaseFolder {
  metadata: Record<string, unknown>;
  files: UploadedFile[];
}

function suffixOf(name: string): string | null {
  const m = name.toLowerCase().match(/(?:^|[-_])([a-z0-9]+)\.nii(\.gz)?$/);
  return m ? m[1] : null;
}

export async function readCaseFolder(dir: string, overrides: Record<string, unknown> = {}): Promise<CaseFolder> {
  const names = (await fs.readdir(dir)).filter((n) => /\.nii(\.gz)?$/i.test(n));
  const suffixes = names.map(suffixOf);
  const convention = CONVENTIONS.find((c) => ['t1n', 't2f', 'flair', 't1ce'].some((s) => s in c.suffixes && suffixes.includes(s)));
  if (!convention) throw new Error(`${dir}: no BraTS 2023 (-t1n/-t1c/-t2w/-t2f) or BraTS 2020 (_t1/_t1ce/_t2/_flair) files found`);
  const map = convention.suffixes as Record<string, string>;
  const files: UploadedFile[] = [];
  for (const name of names) {
    const field = map[suffixOf(name) ?? ''];
    if (field) files.push({ field, filename: name, bytes: new Uint8Array(await fs.readFile(path.join(dir, name))) });
  }
  const meta = flattenScanner(await readMeta(dir));
  const metadata: Record<string, unknown> = {
    caseId: path.basename(path.resolve(dir)),
    ...pick(meta, ['caseId', 'site', 'scannerManufacturer', 'scannerModel', 'fieldStrength', 'acquisitionDate', 'patientPseudonym']),
    ...(files.some((f) => f.field === 'mask') ? { maskLabelMap: convention.labelMap } : {}),
    ...overrides,
  };
  return { metadata, files };
}

async function readMeta(dir: string): Promise<Record<string, unknown>> {
  try {
    return JSON.parse(await fs.readFile(path.join(dir, 'meta.json'), 'utf8'));
  } catch {
    return {};
  }
}

/** The cohort generator writes `scanner: { manufacturer, model, fieldStrengthT }`. */
function flattenScanner(meta: Record<string, unknown>): Record<string, unknown> {
  const s = meta.scanner as { manufacturer?: string; model?: string; fieldStrengthT?: number } | undefined;
  if (!s || typeof s !== 'object') return meta;
  return { ...meta, scannerManufacturer: s.manufacturer, scannerModel: s.model, fieldStrength: s.fieldStrengthT };
}

function pick(o: Record<string, unknown>, keys: string[]) {
  return Object.fromEntries(keys.filter((k) => o[k] !== undefined && o[k] !== null).map((k) => [k, o[k]]));
}

/** A folder is one case when it holds NIfTI files; otherwise each sub-folder is tried as a case. */
export async function findCaseFolders(root: string): Promise<string[]> {
  const entries = await fs.readdir(root, { withFileTypes: true });
  if (entries.some((e) => e.isFile() && /\.nii(\.gz)?$/i.test(e.name))) return [root];
  return entries
    .filter((e) => e.isDirectory())
    .map((e) => path.join(root, e.name))
    .sort();
}
