import 'server-only';
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { BoundedBody, formatBytes } from '../http/body';

/**
 * A multipart/related body (RFC 2387, as STOW-RS sends it) streamed part by part to files in `dir`, counted as it
 * arrives: busboy reads only multipart/form-data, and a STOW body can be gigabytes, so no part is held in memory.
 * Past a limit it throws TOO_LARGE (413); a body that is not well-formed multipart throws INVALID_INPUT (400).
 */
export interface RelatedLimits {
  maxRequestBytes: number;
  maxPartBytes: number;
  maxParts: number;
}

export interface RelatedPart {
  path: string;
  contentType: string;
  size: number;
}

const MAX_BOUNDARY = 200;

/** The boundary and root type of a `multipart/related; type="application/dicom"; boundary=...` header. */
export function parseRelatedType(header: string | null): { boundary: string; type: string } | null {
  if (!header || !/^\s*multipart\/related\s*(;|$)/i.test(header)) return null;
  const param = (name: string) => header.match(new RegExp(`;\\s*${name}\\s*=\\s*(?:"([^"]*)"|([^;\\s]*))`, 'i'));
  const b = param('boundary');
  const t = param('type');
  const boundary = b ? (b[1] ?? b[2]) : '';
  // RFC 2046 caps a boundary at 70 characters, but Orthanc's DICOMweb plugin (1.7) sends 73: a PACS that pushes must be
  // heard, so the cap here only guards against absurd headers.
  if (!boundary || boundary.length > MAX_BOUNDARY) return null;
  return { boundary, type: (t ? (t[1] ?? t[2]) : '').toLowerCase() };
}

export async function receiveRelated(req: Request, boundary: string, dir: string, limits: RelatedLimits): Promise<RelatedPart[]> {
  const body = new BoundedBody(req, limits.maxRequestBytes, `The request is larger than ${formatBytes(limits.maxRequestBytes)}.`);
  body.refuseDeclaredLength();
  const splitter = new Splitter(boundary, dir, limits);
  try {
    for (let chunk = await body.next(); chunk; chunk = await body.next()) await splitter.push(Buffer.from(chunk));
    return await splitter.end();
  } catch (e) {
    body.release();
    await splitter.abort();
    throw e;
  }
}

type State = 'preamble' | 'headers' | 'body' | 'done';

class Splitter {
  private state: State = 'preamble';
  private pending = Buffer.alloc(0);
  private readonly delimiter: Buffer;
  private readonly parts: RelatedPart[] = [];
  private out: fs.WriteStream | null = null;
  private current: RelatedPart | null = null;

  constructor(
    boundary: string,
    private readonly dir: string,
    private readonly limits: RelatedLimits,
  ) {
    this.delimiter = Buffer.from(`\r\n--${boundary}`);
  }

  async push(chunk: Buffer) {
    // the preamble may start right at the first delimiter, without the CRLF before it
    this.pending =
      this.pending.length || this.state !== 'preamble' ? Buffer.concat([this.pending, chunk]) : Buffer.concat([Buffer.from('\r\n'), chunk]);
    for (;;) {
      if (this.state === 'done') return void (this.pending = Buffer.alloc(0));
      if (this.state === 'preamble' || this.state === 'body') {
        const at = this.pending.indexOf(this.delimiter);
        if (at < 0) {
          const keep = Math.min(this.pending.length, this.delimiter.length + 1);
          await this.write(this.pending.subarray(0, this.pending.length - keep));
          this.pending = this.pending.subarray(this.pending.length - keep);
          return;
        }
        await this.write(this.pending.subarray(0, at));
        const after = this.pending.subarray(at + this.delimiter.length);
        if (after.length < 2) return void (this.pending = this.pending.subarray(at)); // wait for "--" or CRLF
        await this.closePart();
        if (after[0] === 0x2d && after[1] === 0x2d) this.state = 'done';
        else this.state = 'headers';
        this.pending = after.subarray(this.state === 'done' ? 2 : 0);
        continue;
      }
      const end = this.pending.indexOf('\r\n\r\n');
      if (end < 0) {
        if (this.pending.length > 16 * 1024) throw new AppError('INVALID_INPUT', 'A multipart part has headers over 16 KiB.');
        return;
      }
      const headers = this.pending.subarray(0, end).toString('latin1');
      this.pending = this.pending.subarray(end + 4);
      await this.openPart(headers);
    }
  }

  async end(): Promise<RelatedPart[]> {
    if (this.state !== 'done') throw new AppError('INVALID_INPUT', 'The multipart/related body ends before its closing boundary.');
    return this.parts;
  }

  async abort() {
    await this.closePart();
  }

  private async openPart(headers: string) {
    if (this.parts.length >= this.limits.maxParts)
      throw new AppError('TOO_LARGE', `The request has more than ${this.limits.maxParts} parts.`);
    const type =
      headers
        .match(/(?:^|\r\n)content-type\s*:\s*([^\r\n;]+)/i)?.[1]
        .trim()
        .toLowerCase() ?? '';
    this.current = { path: path.join(this.dir, `part-${String(this.parts.length).padStart(6, '0')}`), contentType: type, size: 0 };
    this.parts.push(this.current);
    this.out = fs.createWriteStream(this.current.path, { flags: 'wx' });
    this.state = 'body';
  }

  private async write(bytes: Buffer) {
    if (this.state !== 'body' || !this.out || !this.current || bytes.length === 0) return;
    this.current.size += bytes.length;
    if (this.current.size > this.limits.maxPartBytes)
      throw new AppError('TOO_LARGE', `An instance is larger than ${formatBytes(this.limits.maxPartBytes)}.`);
    if (!this.out.write(bytes)) await new Promise<void>((resolve) => this.out!.once('drain', resolve));
  }

  private async closePart() {
    const out = this.out;
    this.out = null;
    this.current = null;
    if (out) await new Promise<void>((resolve, reject) => out.end((e?: Error | null) => (e ? reject(e) : resolve())));
  }
}
