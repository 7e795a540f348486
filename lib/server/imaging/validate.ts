import 'server-only';
import { createHash } from 'node:crypto';
import { getLabelMap, remapToProduct, type LabelMap } from '@/lib/labels';
import { maxAbsDiff, type Mat4 } from './affine';
import type { DatatypeName } from './nifti-header';
import { writeNiftiMask } from './nifti-write';
import { maskLabels, parseUpload, sanitizedCopy, validationFailure as fail, type ParsedFile } from './validate-file';

export { ImagingValidationError } from './errors';

export const CASE_MODALITIES = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export type CaseModality = (typeof CASE_MODALITIES)[number];

/** Form field names accepted per modality (BraTS 2023 suffixes first, then the common older names). */
const FIELD_ALIASES: Record<string, CaseModality | 'MASK'> = {
  t1n: 'T1N',
  t1: 'T1N',
  t1w: 'T1N',
  t1c: 'T1C',
  t1ce: 'T1C',
  t1gd: 'T1C',
  t2w: 'T2W',
  t2: 'T2W',
  t2f: 'T2F',
  flair: 'T2F',
  mask: 'MASK',
  seg: 'MASK',
  label: 'MASK',
};

/** The role an upload field names (t1c, flair, mask, ...), or undefined for an unknown field. */
export function uploadRole(field: string): CaseModality | 'MASK' | undefined {
  return FIELD_ALIASES[field.trim().toLowerCase()];
}

export interface ValidateCaseOptions {
  required?: readonly CaseModality[];
  /** the uploaded mask's label convention (name or map); it is remapped to product labels */
  maskLabelMap?: string | LabelMap;
  maxFileBytes?: number;
  maxInflatedBytes?: number;
  /** largest accepted difference between two affines, element-wise (mm) */
  affineToleranceMm?: number;
  gzipLevel?: number;
}

export interface ValidatedVolume {
  modality: CaseModality;
  filename: string;
  dims: [number, number, number];
  spacing: [number, number, number];
  datatype: DatatypeName;
  affine: Mat4;
  orientation: string;
  min: number;
  max: number;
  /** what reading the file noticed but accepted (qform and sform disagree: which one was used), stored on the volume */
  warnings: string[];
  /** sanitised gzipped NIfTI to store, and its sha256 (hex) */
  bytes: Uint8Array;
  sha256: string;
}

export interface ValidatedMask {
  filename: string;
  labelMap: string;
  /** product-label (1 NCR, 2 ED, 3 ET) uint8 NIfTI on the images' grid, and its sha256 */
  bytes: Uint8Array;
  sha256: string;
  /** voxel count per product label */
  labelCounts: Record<number, number>;
}

export interface ValidatedCase {
  volumes: Partial<Record<CaseModality, ValidatedVolume>>;
  mask?: ValidatedMask;
}

const DEFAULTS = { maxFileBytes: 256 * 1024 ** 2, maxInflatedBytes: 512 * 1024 ** 2, affineToleranceMm: 1e-3, gzipLevel: 6 };

/** Checks a case upload end to end; throws ImagingValidationError (status, file, message) on the first problem. */
export function validateCaseFiles(
  files: { field: string; filename: string; bytes: Uint8Array }[],
  options: ValidateCaseOptions = {},
): ValidatedCase {
  const opts = { ...DEFAULTS, ...options };
  const required = opts.required ?? CASE_MODALITIES;
  const limits = { maxFileBytes: opts.maxFileBytes, maxInflatedBytes: opts.maxInflatedBytes };
  if (files.length === 0) fail(400, '(none)', 'no files uploaded');
  const byRole = assignRoles(files);
  for (const m of required)
    if (!byRole.has(m))
      fail(400, `(${m.toLowerCase()})`, `missing required modality ${m}; upload fields ${required.map((r) => r.toLowerCase()).join(', ')}`);
  const parsed = new Map<CaseModality, ParsedFile>();
  for (const m of CASE_MODALITIES) {
    const f = byRole.get(m);
    if (f) parsed.set(m, parseUpload(f.filename, f.bytes, limits));
  }
  const reference = [...parsed.values()][0];
  for (const p of parsed.values()) checkSameGrid(p, reference, opts.affineToleranceMm, 'modality');
  // The mask is checked before any re-compression so that a bad mask fails fast.
  const maskFile = byRole.get('MASK');
  let mask: ValidatedMask | undefined;
  if (maskFile) {
    const parsedMask = parseUpload(maskFile.filename, maskFile.bytes, limits);
    if (reference) checkSameGrid(parsedMask, reference, opts.affineToleranceMm, 'mask');
    mask = productMask(parsedMask, reference ?? parsedMask, resolveMap(opts.maskLabelMap), opts.gzipLevel);
  }
  const volumes: ValidatedCase['volumes'] = {};
  for (const [m, p] of parsed) {
    const bytes = sanitizedCopy(p, opts.gzipLevel);
    const { dims, spacing, datatype, affine } = p.volume;
    volumes[m] = {
      modality: m,
      filename: p.filename,
      dims,
      spacing,
      datatype,
      affine,
      orientation: p.orientation,
      min: p.min,
      max: p.max,
      warnings: p.volume.warnings ?? [],
      bytes,
      sha256: sha256(bytes),
    };
  }
  return mask ? { volumes, mask } : { volumes };
}

function assignRoles(files: { field: string; filename: string; bytes: Uint8Array }[]) {
  const byRole = new Map<CaseModality | 'MASK', { filename: string; bytes: Uint8Array }>();
  for (const f of files) {
    const role = FIELD_ALIASES[f.field.trim().toLowerCase()];
    if (!role) fail(400, f.filename, `unknown upload field "${f.field}"; expected t1n, t1c, t2w, t2f or mask`);
    const prior = byRole.get(role);
    if (prior) fail(400, f.filename, `duplicated ${role === 'MASK' ? 'mask' : `modality ${role}`} (also uploaded as ${prior.filename})`);
    byRole.set(role, f);
  }
  return byRole;
}

function checkSameGrid(p: ParsedFile, ref: ParsedFile, tol: number, what: 'modality' | 'mask') {
  const a = p.volume,
    b = ref.volume;
  const problem = `${what === 'mask' ? 'mask grid' : 'grid'} does not match ${ref.filename}`;
  if (a.dims.some((d, i) => d !== b.dims[i])) fail(422, p.filename, `${problem}: dims ${a.dims.join('x')} vs ${b.dims.join('x')}`);
  const diff = maxAbsDiff(a.affine, b.affine);
  if (diff > tol)
    fail(
      422,
      p.filename,
      `${problem}: affines differ by up to ${diff.toPrecision(3)} mm (${p.orientation} vs ${ref.orientation}; tolerance ${tol} mm)`,
    );
}

function resolveMap(map: string | LabelMap | undefined): LabelMap {
  return typeof map === 'object' ? map : getLabelMap(map ?? 'brats2023');
}

function productMask(mask: ParsedFile, like: ParsedFile, map: LabelMap, level: number): ValidatedMask {
  const labels = maskLabels(mask);
  const counts = new Map<number, number>();
  for (let i = 0; i < labels.length; i++) counts.set(labels[i], (counts.get(labels[i]) ?? 0) + 1);
  const unknown = [...counts.keys()].filter((l) => l !== 0 && !(l in map.labels)).sort((x, y) => x - y);
  if (unknown.length)
    fail(
      422,
      mask.filename,
      `mask label(s) ${unknown.join(', ')} not in label map "${map.name}" (allowed: 0, ${Object.keys(map.labels).join(', ')})`,
    );
  // defined by the convention but with no product equivalent (BraTS 2024's resection cavity): refused, not guessed
  const unmapped = [...counts.keys()].filter((l) => l !== 0 && !(l in map.toProduct)).sort((x, y) => x - y);
  if (unmapped.length) {
    const names = unmapped.map((l) => `${l} (${map.labels[l]})`).join(', ');
    fail(
      422,
      mask.filename,
      `mask label(s) ${names} of "${map.name}" have no equivalent among the product's labels (NCR, ED, ET): remove them from the mask before uploading`,
    );
  }
  const product = remapToProduct(labels, map);
  const bytes = writeNiftiMask(product, like.volume, { level });
  const labelCounts: Record<number, number> = { 1: 0, 2: 0, 3: 0 };
  for (const [l, n] of counts) if (l !== 0) labelCounts[map.toProduct[l]] += n;
  return { filename: mask.filename, labelMap: map.name, bytes, sha256: sha256(bytes), labelCounts };
}

const sha256 = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
