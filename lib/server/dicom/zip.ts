import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { Unzip, UnzipInflate, UnzipPassThrough, type UnzipFile } from 'fflate';
import { AppError } from '../errors';
import { formatBytes } from '../http/body';

/**
 * Unpacks a zip of DICOM files (a PACS export, a scanner's CD copied to a stick) to `outDir`, entry by entry as the
 * archive streams (fflate), never whole in memory. Entry names are never used as paths: each becomes
 * `<index>-<base name, sanitised>`, so `../` in an archive cannot escape. The inflated total is counted as it is
 * written (a zip bomb stops at `maxInflatedBytes`, 413), and the number of entries is bounded.
 */
export async function extractZip(
  zipFile: string,
  outDir: string,
  limits: { maxInflatedBytes: number; maxEntries: number },
): Promise<string[]> {
  const written: string[] = [];
  const open = new Set<number>();
  let total = 0;
  let failure: Error | null = null;

  const onFile = (file: UnzipFile) => {
    if (failure || file.name.endsWith('/')) return;
    if (written.length >= limits.maxEntries)
      return void (failure = new AppError('TOO_LARGE', `The zip holds more than ${limits.maxEntries} files.`));
    const target = path.join(outDir, `${String(written.length).padStart(6, '0')}-${safeName(file.name)}`);
    const fd = fs.openSync(target, 'wx');
    open.add(fd);
    written.push(target);
    file.ondata = (err, chunk, final) => {
      if (failure) return;
      if (err) failure = new AppError('INVALID_INPUT', `The zip entry "${safeName(file.name)}" cannot be unpacked (${err.message}).`);
      else if ((total += chunk.length) > limits.maxInflatedBytes)
        failure = new AppError('TOO_LARGE', `The zip unpacks to more than ${formatBytes(limits.maxInflatedBytes)}.`);
      else fs.writeSync(fd, chunk);
      if (final || failure) close(fd);
    };
    try {
      file.start();
    } catch {
      failure = new AppError(
        'INVALID_INPUT',
        `The zip entry "${safeName(file.name)}" uses compression method ${file.compression}; use deflate or store.`,
      );
    }
  };
  const close = (fd: number) => {
    if (open.delete(fd)) fs.closeSync(fd);
  };

  const unzip = new Unzip(onFile);
  unzip.register(UnzipInflate);
  unzip.register(UnzipPassThrough);
  try {
    for await (const chunk of fs.createReadStream(zipFile, { highWaterMark: 1 << 20 })) {
      unzip.push(chunk as Buffer);
      if (failure) throw failure;
    }
    unzip.push(new Uint8Array(0), true);
  } catch (e) {
    throw e instanceof AppError
      ? e
      : new AppError('INVALID_INPUT', `Not a readable zip file (${e instanceof Error ? e.message : String(e)}).`);
  } finally {
    for (const fd of open) close(fd);
  }
  if (failure) throw failure;
  return written;
}

export function isZip(file: string): boolean {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(4);
    return fs.readSync(fd, head, 0, 4, 0) === 4 && head.readUInt32LE(0) === 0x04034b50;
  } finally {
    fs.closeSync(fd);
  }
}

/** A base name fit for a note and a file name: no directories, no control or shell-special characters. */
export function safeName(name: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  return base.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 80) || 'unnamed';
}
