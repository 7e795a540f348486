import 'server-only';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Actor } from '../auth/actor';
import { env } from '../env';
import { ingestDicomFiles } from './ingest';
import type { DicomIngestResult } from './types';
import { extractZip, isZip, safeName } from './zip';

/**
 * A browser upload (a zip, or the files of a folder) or a local folder (`npm run ingest`): zips are unpacked, every
 * file is linked under its own (sanitised) name so that notes name what the user sent, and the lot goes through
 * `ingestDicomFiles` like a STOW-RS push.
 */
export async function ingestDicomUpload(
  actor: Actor,
  files: { path: string; name: string }[],
  source: 'upload' = 'upload',
): Promise<DicomIngestResult> {
  const e = env();
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'tw-dicom-upload-'));
  try {
    const paths: string[] = [];
    for (const [i, f] of files.entries()) {
      if (isZip(f.path)) {
        const sub = await fs.mkdtemp(path.join(dir, 'zip-'));
        paths.push(
          ...(await extractZip(f.path, sub, { maxInflatedBytes: e.INGEST_MAX_INFLATED_BYTES, maxEntries: e.DICOM_MAX_INSTANCES })),
        );
      } else {
        const link = path.join(dir, `${String(i).padStart(6, '0')}-${safeName(f.name)}`);
        await fs.symlink(path.resolve(f.path), link);
        paths.push(link);
      }
    }
    return await ingestDicomFiles(actor, paths, { source });
  } finally {
    await fs.rm(dir, { recursive: true, force: true });
  }
}

/** Every regular file under `root` (a DICOM folder is often nested: patient/study/series/). */
export async function listFilesDeep(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await fs.readdir(root, { withFileTypes: true, recursive: true })) {
    if (entry.isFile()) out.push(path.join(entry.parentPath, entry.name));
  }
  return out.sort();
}

/** Whether a file starts like DICOM Part 10 (the "DICM" marker at byte 128), or is a zip. */
export async function looksLikeDicom(file: string): Promise<boolean> {
  const h = await fs.open(file, 'r');
  try {
    const b = Buffer.alloc(132);
    const { bytesRead } = await h.read(b, 0, 132, 0);
    return (bytesRead === 132 && b.toString('latin1', 128, 132) === 'DICM') || (bytesRead >= 4 && b.readUInt32LE(0) === 0x04034b50);
  } finally {
    await h.close();
  }
}
