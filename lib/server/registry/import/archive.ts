import 'server-only';
import fs from 'node:fs/promises';
import path from 'node:path';
import { unzipSync } from 'fflate';
import { AppError } from '../../errors';

/** What a zipped ONNX model folder may unpack to (it is inflated in memory): ONNX files of a few models fit. */
export const MAX_UNPACKED_BYTES = 2 * 1024 ** 3;
export const MAX_ENTRIES = 10_000;

const ZIP_MAGIC = [0x50, 0x4b, 0x03, 0x04];

export async function isZip(file: string): Promise<boolean> {
  const h = await fs.open(file, 'r');
  try {
    const head = new Uint8Array(4);
    await h.read(head, 0, 4, 0);
    return ZIP_MAGIC.every((b, i) => head[i] === b);
  } finally {
    await h.close();
  }
}

/**
 * Unpacks an untrusted zip (a zipped ONNX model folder) into `dest` (which must be empty) and returns the folder that
 * holds the content: `dest`, or the archive's single top-level folder (a zipped folder has one).
 * Refuses entries that would land outside `dest` (absolute paths, `..`) and archives that unpack to more than the
 * limits (declared sizes are checked before inflating, and the inflated bytes again after).
 */
export async function extractZip(zipFile: string, dest: string): Promise<string> {
  let entries = 0;
  let declared = 0;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(new Uint8Array(await fs.readFile(zipFile)), {
      filter: (f) => {
        entries += 1;
        declared += f.originalSize;
        if (entries > MAX_ENTRIES || declared > MAX_UNPACKED_BYTES) throw new AppError('TOO_LARGE', tooLarge());
        return true;
      },
    });
  } catch (e) {
    if (e instanceof AppError) throw e;
    throw new AppError('INVALID_INPUT', `The archive is not a readable zip file: ${(e as Error).message}`);
  }
  let total = 0;
  for (const [name, bytes] of Object.entries(files)) {
    total += bytes.length;
    if (total > MAX_UNPACKED_BYTES) throw new AppError('TOO_LARGE', tooLarge());
    const target = safeTarget(dest, name);
    if (name.endsWith('/')) {
      await fs.mkdir(target, { recursive: true });
      continue;
    }
    await fs.mkdir(path.dirname(target), { recursive: true });
    await fs.writeFile(target, bytes);
  }
  return contentRoot(dest);
}

const tooLarge = () => `The archive unpacks to more than ${MAX_UNPACKED_BYTES / 1024 ** 3} GiB or ${MAX_ENTRIES} entries.`;

function safeTarget(dest: string, name: string): string {
  const target = path.resolve(dest, name);
  if (path.isAbsolute(name) || /^[a-zA-Z]:/.test(name) || !target.startsWith(path.resolve(dest) + path.sep))
    throw new AppError('INVALID_INPUT', `The archive entry "${name}" points outside the archive; nothing was imported.`);
  return target;
}

/** macOS zips add __MACOSX/ beside the content; it is not part of the model. */
async function contentRoot(dest: string): Promise<string> {
  const top = (await fs.readdir(dest, { withFileTypes: true })).filter((e) => e.name !== '__MACOSX');
  return top.length === 1 && top[0].isDirectory() ? path.join(dest, top[0].name) : dest;
}
