import 'server-only';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import busboy from 'busboy';
import { AppError } from '../errors';
import { BoundedBody, formatBytes } from './body';

export interface MultipartLimits {
  /** The whole body as sent: parts, their headers and boundaries. */
  maxRequestBytes: number;
  maxFileBytes: number;
  maxFiles: number;
  maxFields: number;
  /** A text field is kept in memory, so it is limited separately from files, which go to disk. */
  maxFieldBytes: number;
}

export interface ReceivedFile {
  field: string;
  /** As the client named it (may be empty); never used as a path. */
  filename: string;
  contentType: string;
  size: number;
  /** The temporary file holding the part; it is removed when the handler returns or throws. */
  path: string;
}

export class ReceivedForm {
  readonly fields: [string, string][] = [];
  readonly files: ReceivedFile[] = [];

  field(name: string): string | null {
    return this.fields.find(([n]) => n === name)?.[1] ?? null;
  }

  file(name: string): ReceivedFile | null {
    return this.files.find((f) => f.field === name) ?? null;
  }

  /** A part's bytes, whether it came as a file or as a text field; null when absent. */
  async bytes(name: string): Promise<Uint8Array | null> {
    const file = this.file(name);
    if (file) return readFileBytes(file);
    const text = this.field(name);
    return text === null ? null : new TextEncoder().encode(text);
  }

  async text(name: string): Promise<string | null> {
    const b = await this.bytes(name);
    return b === null ? null : new TextDecoder().decode(b);
  }
}

/** Bounded by the per-file limit: the domain code needs the bytes once the part is safely on disk. */
export async function readFileBytes(file: ReceivedFile): Promise<Uint8Array> {
  const b = await fsp.readFile(file.path);
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

/**
 * Streams a multipart/form-data body to temporary files (text fields to memory) under `limits`, counted as the bytes
 * arrive whatever Content-Length says, runs `handle` on the result, and removes the files afterwards, also when a limit,
 * a malformed body, an aborted upload or `handle` itself throws. Limits answer 413 (AppError TOO_LARGE); a body that is
 * not a well-formed form answers 400 with `invalidMessage`.
 */
export async function withMultipart<T>(
  req: Request,
  opts: { limits: MultipartLimits; invalidMessage: string },
  handle: (form: ReceivedForm) => Promise<T>,
): Promise<T> {
  const { limits, invalidMessage } = opts;
  const body = new BoundedBody(req, limits.maxRequestBytes, `The upload is larger than ${formatBytes(limits.maxRequestBytes)}.`);
  body.refuseDeclaredLength();
  let parser: busboy.Busboy;
  try {
    const type = req.headers.get('content-type') ?? '';
    if (!/^multipart\/form-data\s*;/i.test(type)) throw new Error('not a form');
    parser = busboy({
      headers: { 'content-type': type },
      // busboy reports a file that reaches fileSize, which may be complete: one byte more means over the limit
      limits: {
        fileSize: limits.maxFileBytes + 1,
        files: limits.maxFiles,
        fields: limits.maxFields,
        fieldSize: limits.maxFieldBytes,
        parts: limits.maxFiles + limits.maxFields,
      },
    });
  } catch {
    body.release();
    throw new AppError('INVALID_INPUT', invalidMessage); // not multipart/form-data, or no boundary
  }
  const dir = await fsp.mkdtemp(path.join(os.tmpdir(), 'tw-upload-'));
  try {
    return await handle(await receive(parser, body, dir, limits, invalidMessage));
  } finally {
    await fsp.rm(dir, { recursive: true, force: true });
  }
}

async function receive(
  parser: busboy.Busboy,
  body: BoundedBody,
  dir: string,
  limits: MultipartLimits,
  invalidMessage: string,
): Promise<ReceivedForm> {
  const form = new ReceivedForm();
  const writes: Promise<void>[] = [];
  let failure: unknown = null;
  let wake = () => {};
  const fail = (e: unknown) => {
    failure ??= e;
    wake();
  };
  const tooLarge = (message: string) => fail(new AppError('TOO_LARGE', message));

  parser.on('file', (field, stream, info) => {
    if (failure) return void stream.resume();
    const file: ReceivedFile = {
      field,
      filename: info.filename,
      contentType: info.mimeType,
      size: 0,
      path: path.join(dir, `part-${form.files.length}`),
    };
    form.files.push(file);
    stream.on('limit', () => tooLarge(`The file "${field}" is larger than ${formatBytes(limits.maxFileBytes)}.`));
    const out = fs.createWriteStream(file.path, { flags: 'wx' });
    writes.push(pipeline(stream, out).then(() => void (file.size = out.bytesWritten), fail));
  });
  parser.on('field', (name, value, info) => {
    if (info.nameTruncated || info.valueTruncated)
      tooLarge(`The field "${name.slice(0, 100)}" is longer than ${formatBytes(limits.maxFieldBytes)}.`);
    else form.fields.push([name, value]);
  });
  parser.on('filesLimit', () => tooLarge(`The upload has more than ${limits.maxFiles} files.`));
  parser.on('fieldsLimit', () => tooLarge(`The upload has more than ${limits.maxFields} fields.`));
  parser.on('partsLimit', () => tooLarge(`The upload has more than ${limits.maxFiles + limits.maxFields} parts.`));
  const closed = new Promise<void>((resolve) => {
    parser.on('error', (e: Error) => fail(new AppError('INVALID_INPUT', `${invalidMessage} (${e.message})`)));
    parser.on('close', resolve);
  });
  // Resolves on 'drain', on 'close', or as soon as anything fails (a limit is met while the parser is still busy).
  const writable = () =>
    new Promise<void>((resolve) => {
      const done = () => {
        parser.off('drain', done).off('close', done);
        wake = () => {};
        resolve();
      };
      wake = done;
      parser.on('drain', done).on('close', done);
    });

  try {
    for (;;) {
      const chunk = await body.next();
      if (failure) break;
      if (!chunk) {
        parser.end();
        await closed;
        break;
      }
      if (!parser.write(chunk)) await writable();
      if (failure) break;
    }
  } catch (e) {
    fail(e);
  }
  if (failure) {
    body.release();
    parser.destroy(); // ends the file part being written, if any, with an error
  }
  await Promise.allSettled(writes);
  if (failure) throw failure;
  return form;
}
