import 'server-only';
import { open, readdir, type FileHandle } from 'node:fs/promises';
import path from 'node:path';

export const isErrno = (err: unknown, code: string) => (err as NodeJS.ErrnoException | null)?.code === code;

export async function writeAll(fh: FileHandle, buf: Buffer): Promise<void> {
  for (let offset = 0; offset < buf.length;) {
    const { bytesWritten } = await fh.write(buf, offset, buf.length - offset);
    offset += bytesWritten;
  }
}

export async function readdirOrEmpty(dir: string): Promise<string[]> {
  return readdir(dir).catch((err) => {
    if (isErrno(err, 'ENOENT')) return [];
    throw err;
  });
}

/** `dir` itself (it holds the renamed file) plus the parent of every directory mkdir just created. */
export function dirsToSync(dir: string, created: string | undefined): string[] {
  const dirs = [dir];
  if (created === undefined) return dirs;
  const top = path.dirname(created);
  for (let d = dir; d !== top && d !== path.dirname(d);) {
    d = path.dirname(d);
    dirs.push(d);
  }
  return dirs;
}

export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
