import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';

const CHUNK = 64 * 1024;

/**
 * Deterministic pseudo-random bytes (AES-CTR keystream of a seed), generated chunk by chunk so a test can
 * stream tens of MB without holding them. Equal (size, seed) always give equal bytes.
 */
export function* patternChunks(size: number, seed: number): Generator<Buffer> {
  const key = createHash('sha256').update(`seed:${seed}`).digest().subarray(0, 16);
  const cipher = createCipheriv('aes-128-ctr', key, Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  for (let left = size; left > 0; left -= CHUNK) yield cipher.update(zeros.subarray(0, Math.min(CHUNK, left)));
}

export function patternStream(size: number, seed: number): Readable {
  return Readable.from(patternChunks(size, seed), { objectMode: false });
}

export function patternSha256(size: number, seed: number): string {
  const hash = createHash('sha256');
  for (const chunk of patternChunks(size, seed)) hash.update(chunk);
  return hash.digest('hex');
}

/** Emits `failAfter` bytes of the pattern, then fails like a dropped client connection. */
export function failingStream(size: number, seed: number, failAfter: number): Readable {
  return Readable.from(
    (function* () {
      let sent = 0;
      for (const chunk of patternChunks(size, seed)) {
        if (sent >= failAfter) throw new Error('client went away');
        sent += chunk.length;
        yield chunk;
      }
    })(),
    { objectMode: false },
  );
}

export async function sha256OfStream(stream: Readable): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of stream) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { sha256: hash.digest('hex'), size };
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export const sha256Hex = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');
