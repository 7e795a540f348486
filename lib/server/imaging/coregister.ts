import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { constants, gunzipSync } from 'node:zlib';
import { maxAbsDiff, type Mat4 } from './affine';
import { isGzip } from './gzip';
import { gridDims, headerAffine } from './nifti';
import { parseHeader } from './nifti-header';
import { runDicomTool } from './coregister-python';

/**
 * Co-registration: sequences acquired on different grids are resampled onto the reference sequence's grid by a rigid
 * registration (SimpleITK, Mattes mutual information: training/src/tumorwatch_train/dicom/coregister.py). The record
 * is stored on the resampled volume (Volume.registration) for the drift report: MI with header alignment alone and
 * after registration, and the transform. Single-threaded, so that the same upload gives the same bytes (idempotent
 * re-upload compares hashes).
 */
export interface RegistrationRecord {
  /** the sequence whose grid the volume was resampled onto */
  reference: string;
  method: string;
  /** 'header': registration scored worse than the scanner's own alignment, which was kept */
  used: 'registration' | 'header';
  /** 4x4 (row-major rows) on RAS world coordinates: reference point -> moving point */
  referenceToMovingRas: number[][];
  rotationDeg: number[];
  translationMm: number[];
  miBefore: number;
  miAfter: number;
  iterations: number;
  stop: string;
}

export interface Grid {
  dims: [number, number, number];
  affine: Mat4;
}

/** Resamples each moving NIfTI (gzipped or not) onto the reference's grid; names are the caller's keys. */
export async function coregisterToReference(
  referenceName: string,
  reference: Uint8Array,
  moving: { name: string; bytes: Uint8Array }[],
  opts: { signal?: AbortSignal } = {},
): Promise<Record<string, { bytes: Uint8Array; registration: RegistrationRecord }>> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-coreg-'));
  try {
    const write = async (name: string, bytes: Uint8Array) => {
      const file = path.join(dir, `${name}.in${isGzip(bytes) ? '.nii.gz' : '.nii'}`);
      await fs.writeFile(file, bytes);
      return file;
    };
    const ref = await write('reference', reference);
    const args = ['coregister', '--threads', '1', '--reference', ref, '--out', path.join(dir, 'out')];
    for (const m of moving) {
      if (!/^[A-Za-z0-9]+$/.test(m.name)) throw new Error(`co-registration: a volume name must be alphanumeric (got "${m.name}")`);
      args.push('--moving', `${m.name}=${await write(m.name, m.bytes)}`);
    }
    const results = await runDicomTool<Record<string, Omit<RegistrationRecord, 'reference'>>>(args, opts);
    const out: Record<string, { bytes: Uint8Array; registration: RegistrationRecord }> = {};
    for (const m of moving)
      out[m.name] = {
        bytes: new Uint8Array(await fs.readFile(path.join(dir, 'out', `${m.name}.nii.gz`))),
        registration: { reference: referenceName, ...results[m.name] },
      };
    return out;
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** A NIfTI's grid from its header alone (a gzipped file is inflated only as far as the header); null if unreadable. */
export function headerGrid(bytes: Uint8Array): Grid | null {
  try {
    const head = isGzip(bytes) ? gunzipSync(bytes.subarray(0, 64 * 1024), { finishFlush: constants.Z_SYNC_FLUSH }) : bytes;
    const h = parseHeader(new Uint8Array(head.buffer, head.byteOffset, head.byteLength));
    return { dims: gridDims(h.dim), affine: headerAffine(h).affine };
  } catch {
    return null; // validation names the problem with the file
  }
}

export function sameGrid(a: Grid, b: Grid, toleranceMm = 1e-3): boolean {
  return a.dims.every((d, i) => d === b.dims[i]) && maxAbsDiff(a.affine, b.affine) <= toleranceMm;
}
