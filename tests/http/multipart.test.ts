import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAppError } from '@/lib/server/errors';
import { withMultipart, readFileBytes, type MultipartLimits, type ReceivedForm } from '@/lib/server/http/multipart';
import { readBoundedBody } from '@/lib/server/http/body';

/** The streaming multipart parser behind the upload routes: limits met mid-stream, and no temporary file left behind. */
const KiB = 1024;
const MiB = 1024 * KiB;
const BOUNDARY = 'tw-test-boundary-7e1f';
const LIMITS: MultipartLimits = { maxRequestBytes: 4 * MiB, maxFileBytes: 1 * MiB, maxFiles: 3, maxFields: 3, maxFieldBytes: 1 * KiB };

// os.tmpdir() follows TMPDIR: each test gets its own, so "nothing left behind" is exact.
const originalTmp = process.env.TMPDIR;
const baseTmp = os.tmpdir();
let tmp = '';
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(baseTmp, 'tw-multipart-test-'));
  process.env.TMPDIR = tmp;
});
afterEach(() => {
  if (originalTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = originalTmp;
  fs.rmSync(tmp, { recursive: true, force: true });
});
const leftovers = () => fs.readdirSync(tmp);

type Part = { name: string; value: string | Uint8Array; filename?: string };
const head = (p: Omit<Part, 'value'>) =>
  `--${BOUNDARY}\r\nContent-Disposition: form-data; name="${p.name}"${p.filename !== undefined ? `; filename="${p.filename}"\r\nContent-Type: application/octet-stream` : ''}\r\n\r\n`;
const multipart = (parts: Part[], end = true) =>
  Buffer.concat([
    ...parts.flatMap((p) => [Buffer.from(head(p)), Buffer.from(p.value), Buffer.from('\r\n')]),
    Buffer.from(end ? `--${BOUNDARY}--\r\n` : ''),
  ]);
const contentType = `multipart/form-data; boundary=${BOUNDARY}`;

function request(body: BodyInit, headers: Record<string, string> = {}) {
  return new Request('http://app/upload', {
    method: 'POST',
    body,
    headers: { 'content-type': contentType, ...headers },
    duplex: 'half',
  } as RequestInit);
}

/**
 * A body produced on demand: `prefix`, then `filler` repeated up to `total` bytes, never materialised. `pulled` says how
 * much of it the server side took; `cancelled` resolves when the reader cancels the stream.
 */
function endless(prefix: Buffer, total: number, chunk = 64 * KiB, opts: { errorAfter?: number; delayMs?: number } = {}) {
  const filler = Buffer.alloc(chunk, 0x61);
  const state = { pulled: 0, cancelled: null as Promise<void> | null };
  let onCancel = () => {};
  state.cancelled = new Promise<void>((r) => (onCancel = r));
  const stream = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
      if (opts.errorAfter !== undefined && state.pulled >= opts.errorAfter) return controller.error(new Error('socket hang up'));
      const next = state.pulled === 0 ? prefix : filler.subarray(0, Math.min(chunk, total - state.pulled));
      if (state.pulled >= total || next.length === 0) return controller.close();
      state.pulled += next.length;
      controller.enqueue(new Uint8Array(next));
    },
    cancel() {
      onCancel();
    },
  });
  return { stream, state };
}

/** The refusal, and how much of the body had been pulled when it came (afterwards the refused body is drained). */
async function refusal(p: Promise<unknown>, state?: { pulled: number }) {
  let pulledAtRefusal = -1;
  const e = await p.then(
    () => null,
    (err: unknown) => {
      pulledAtRefusal = state?.pulled ?? -1;
      return err;
    },
  );
  if (!isAppError(e)) throw new Error(`expected an AppError, got ${String(e)}`);
  return { code: e.code, status: e.status, message: e.userMessage, ...(state ? { pulledAtRefusal } : {}) };
}

const accept = (req: Request, limits = LIMITS, handle: (f: ReceivedForm) => Promise<unknown> = async (f) => f) =>
  withMultipart(req, { limits, invalidMessage: 'Send a form.' }, handle);

describe('withMultipart', () => {
  it('writes file parts to temporary files, keeps text fields, and removes the files when the handler returns', async () => {
    const mask = new Uint8Array(300 * KiB).map((_, i) => i % 251);
    const paths: string[] = [];
    const result = await accept(
      request(
        multipart([
          { name: 'meta', value: '{"a":1}' },
          { name: 'mask', value: mask, filename: 'm.nii.gz' },
          { name: 'log', value: 'line', filename: 'train.log' },
        ]),
      ),
      LIMITS,
      async (form) => {
        paths.push(...form.files.map((f) => f.path));
        for (const p of paths) expect(fs.existsSync(p)).toBe(true);
        expect(form.fields).toEqual([['meta', '{"a":1}']]);
        expect(form.files.map((f) => [f.field, f.filename, f.size])).toEqual([
          ['mask', 'm.nii.gz', mask.length],
          ['log', 'train.log', 4],
        ]);
        expect(Buffer.from(await readFileBytes(form.file('mask')!)).equals(Buffer.from(mask))).toBe(true);
        expect(await form.text('log')).toBe('line');
        expect(await form.text('meta')).toBe('{"a":1}'); // a text field reads like a file
        expect(await form.bytes('absent')).toBeNull();
        return 'done';
      },
    );
    expect(result).toBe('done');
    expect(paths.every((p) => p.startsWith(tmp) && !fs.existsSync(p))).toBe(true);
    expect(leftovers()).toEqual([]);
  });

  it('accepts a file of exactly the per-file limit', async () => {
    const sizes = (await accept(
      request(multipart([{ name: 'f', value: new Uint8Array(LIMITS.maxFileBytes), filename: 'f' }])),
      LIMITS,
      async (f) => f.files.map((x) => x.size),
    )) as number[];
    expect(sizes).toEqual([LIMITS.maxFileBytes]);
  });

  it('refuses a file one byte over the per-file limit, stopping at the limit, and removes what was written', async () => {
    const { stream, state } = endless(Buffer.from(head({ name: 't1n', filename: 't1n.nii.gz' })), 3 * MiB, 64 * KiB, { delayMs: 1 });
    const r = await refusal(accept(request(stream), { ...LIMITS, maxRequestBytes: 100 * MiB }), state);
    expect(r).toMatchObject({ code: 'TOO_LARGE', status: 413, message: 'The file "t1n" is larger than 1 MiB.' });
    expect(r.pulledAtRefusal).toBeGreaterThan(MiB);
    expect(r.pulledAtRefusal).toBeLessThan(MiB + 256 * KiB);
    expect(leftovers()).toEqual([]);
  });

  it('counts an undeclared (chunked) body as it arrives and stops at the request limit, far before its end', async () => {
    // 256 MiB would follow; the text part is not a file, so only the request limit can stop it.
    const { stream, state } = endless(Buffer.from(head({ name: 'note' })), 256 * MiB, 64 * KiB, { delayMs: 1 });
    const r = await refusal(accept(request(stream), { ...LIMITS, maxFieldBytes: 2048 * MiB }), state);
    expect(r).toMatchObject({ code: 'TOO_LARGE', status: 413, message: 'The upload is larger than 4 MiB.' });
    expect(r.pulledAtRefusal).toBeGreaterThan(LIMITS.maxRequestBytes);
    expect(r.pulledAtRefusal).toBeLessThan(LIMITS.maxRequestBytes + 256 * KiB);
    expect(leftovers()).toEqual([]);
  });

  it('refuses a declared Content-Length over the limit without reading the body', async () => {
    const prefix = Buffer.from(head({ name: 'f', filename: 'f' }));
    const { stream, state } = endless(prefix, 8 * MiB);
    const r = await refusal(accept(request(stream, { 'content-length': String(LIMITS.maxRequestBytes + 1) })), state);
    expect(r.status).toBe(413);
    expect(r.pulledAtRefusal).toBeLessThanOrEqual(prefix.length); // at most what the stream itself queued up front
    expect(leftovers()).toEqual([]);
  });

  it('refuses too many files, too many fields, and a field over its limit', async () => {
    const file = (i: number) => ({ name: `f${i}`, value: 'x', filename: `f${i}` });
    const field = (i: number) => ({ name: `v${i}`, value: 'x' });
    expect(await refusal(accept(request(multipart([1, 2, 3, 4].map(file)))))).toMatchObject({
      status: 413,
      message: 'The upload has more than 3 files.',
    });
    expect(await refusal(accept(request(multipart([1, 2, 3, 4].map(field)))))).toMatchObject({
      status: 413,
      message: 'The upload has more than 3 fields.',
    });
    expect(await refusal(accept(request(multipart([{ name: 'v', value: 'y'.repeat(KiB + 1) }]))))).toMatchObject({
      status: 413,
      message: 'The field "v" is longer than 1 KiB.',
    });
    expect(leftovers()).toEqual([]);
  });

  it('answers 400 for a body that is not a well-formed form, and removes the partial file', async () => {
    expect(await refusal(accept(request('a=1', { 'content-type': 'application/x-www-form-urlencoded' })))).toMatchObject({
      status: 400,
      message: 'Send a form.',
    });
    expect(await refusal(accept(request('x', { 'content-type': 'multipart/form-data' })))).toMatchObject({ status: 400 }); // no boundary
    const truncated = multipart([{ name: 'f', value: new Uint8Array(200 * KiB), filename: 'f' }], false).subarray(0, 100 * KiB);
    expect(await refusal(accept(request(truncated)))).toMatchObject({
      code: 'INVALID_INPUT',
      status: 400,
      message: 'Send a form. (Unexpected end of form)',
    });
    expect(leftovers()).toEqual([]);
  });

  it('removes the files of an upload aborted mid-file', async () => {
    const { stream } = endless(Buffer.from(head({ name: 'f', filename: 'f' })), 8 * MiB, 64 * KiB, { errorAfter: 512 * KiB });
    expect(await refusal(accept(request(stream), { ...LIMITS, maxFileBytes: 100 * MiB, maxRequestBytes: 100 * MiB }))).toMatchObject({
      status: 400,
      message: 'The upload was interrupted before its end.',
    });
    expect(leftovers()).toEqual([]);
  });

  it('removes the files when the handler throws, and passes its error on', async () => {
    let seen = '';
    const failing = accept(request(multipart([{ name: 'f', value: 'abc', filename: 'f' }])), LIMITS, async (form) => {
      seen = form.files[0].path;
      throw new Error('domain failure');
    });
    await expect(failing).rejects.toThrow('domain failure');
    expect(fs.existsSync(seen)).toBe(false);
    expect(leftovers()).toEqual([]);
  });

  it('after a refusal, pauses, then discards what still arrives for a while, then cancels the body', async () => {
    const { stream, state } = endless(Buffer.from(head({ name: 'f', filename: 'f' })), Number.MAX_SAFE_INTEGER, 16 * KiB, { delayMs: 2 }); // under 8 MiB/s
    const r = await refusal(accept(request(stream)), state);
    const started = Date.now();
    await sleep(300);
    expect(state.pulled - r.pulledAtRefusal!).toBeLessThanOrEqual(16 * KiB); // the pause: the answer goes out first
    await state.cancelled;
    expect(Date.now() - started).toBeGreaterThan(3_000); // cancelled at the time limit ...
    expect(state.pulled - r.pulledAtRefusal!).toBeGreaterThan(MiB); // ... having read (and dropped) meanwhile
  }, 20_000);

  it('stops discarding after 64 MiB, however fast the body comes', async () => {
    const { stream, state } = endless(Buffer.from(head({ name: 'f', filename: 'f' })), Number.MAX_SAFE_INTEGER, MiB);
    const r = await refusal(accept(request(stream)), state);
    await state.cancelled;
    expect(state.pulled - r.pulledAtRefusal!).toBeLessThan(70 * MiB);
  }, 20_000);
});

describe('readBoundedBody', () => {
  it('reads a small body whole, and refuses one over the limit while it arrives', async () => {
    expect(Buffer.from(await readBoundedBody(request('a=1&b=2'), 16, 'too big')).toString()).toBe('a=1&b=2');
    const { stream, state } = endless(Buffer.from('a='), 64 * MiB, 16 * KiB, { delayMs: 1 });
    const r = await refusal(readBoundedBody(request(stream), 64 * KiB, 'too big'), state);
    expect(r).toMatchObject({ code: 'TOO_LARGE', status: 413, message: 'too big' });
    expect(r.pulledAtRefusal).toBeLessThan(128 * KiB);
  });
});
