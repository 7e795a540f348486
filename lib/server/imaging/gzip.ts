import 'server-only';
import { gunzipSync } from 'node:zlib';
import { NiftiError } from './errors';

/** 1 GiB: larger than any plausible 3D clinical volume (a 512^3 float64 is 1 GiB) yet bounded. */
export const DEFAULT_MAX_INFLATED_BYTES = 1024 * 1024 * 1024;

/**
 * A plain Uint8Array view of the same memory. Node Buffers override slice() to return a view rather than a copy,
 * which silently breaks code written for Uint8Array semantics; everything downstream works on plain views.
 */
export function plainBytes(b: Uint8Array): Uint8Array {
  return Buffer.isBuffer(b) ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : b;
}

export function isGzip(bytes: Uint8Array): boolean {
  return bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b;
}

/**
 * Inflates a gzip stream, refusing to produce more than `maxBytes`: zlib stops as soon as the limit is crossed, so a
 * gzip bomb costs at most `maxBytes` of memory, never its full inflated size.
 */
export function gunzipLimited(bytes: Uint8Array, maxBytes = DEFAULT_MAX_INFLATED_BYTES): Uint8Array {
  try {
    return plainBytes(gunzipSync(bytes, { maxOutputLength: maxBytes }));
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ERR_BUFFER_TOO_LARGE' || e instanceof RangeError) {
      throw new NiftiError('too-large', `inflates to more than the ${formatBytes(maxBytes)} limit (gzip bomb?)`);
    }
    if (e.code === 'Z_BUF_ERROR' || /unexpected end/i.test(e.message)) {
      throw new NiftiError('truncated', 'the gzip stream ends early (truncated upload?)');
    }
    throw new NiftiError('corrupt-gzip', `corrupt gzip data (${e.message})`);
  }
}

export function formatBytes(n: number): string {
  if (n >= 1024 * 1024 * 1024) return `${(n / 1024 ** 3).toFixed(1)} GiB`;
  if (n >= 1024 * 1024) return `${(n / 1024 ** 2).toFixed(1)} MiB`;
  if (n >= 1024) return `${(n / 1024).toFixed(1)} KiB`;
  return `${n} B`;
}
