import 'server-only';
import { InvalidBlobKeyError, InvalidRangeError, type ByteRange } from './types';

// The only key shape any driver accepts: fixed alphabet and depth, so a key can never name a path outside
// the store (no `..`, no absolute paths, no separators other than the three fixed ones). The two directory
// levels must repeat the hash's first bytes, which keeps each directory small (65 536 leaves).
const KEY_PATTERN = /^sha256\/([0-9a-f]{2})\/([0-9a-f]{2})\/\1\2[0-9a-f]{60}$/;
const PREFIX_PATTERN = /^[0-9a-z/]*$/;

export function blobKeyForSha256(sha256: string): string {
  if (!/^[0-9a-f]{64}$/.test(sha256)) throw new InvalidBlobKeyError(sha256);
  return `sha256/${sha256.slice(0, 2)}/${sha256.slice(2, 4)}/${sha256}`;
}

export function isBlobKey(key: unknown): key is string {
  return typeof key === 'string' && KEY_PATTERN.test(key);
}

export function assertBlobKey(key: unknown): asserts key is string {
  if (!isBlobKey(key)) throw new InvalidBlobKeyError(String(key));
}

export function sha256OfKey(key: string): string {
  assertBlobKey(key);
  return key.slice(key.lastIndexOf('/') + 1);
}

/** List prefixes are matched textually against keys; the same alphabet as keys and no `..` segments. */
export function assertListPrefix(prefix: string): void {
  if (!PREFIX_PATTERN.test(prefix) || prefix.split('/').includes('..')) throw new InvalidBlobKeyError(prefix);
}

/** Shape checks shared by all drivers; bounds against the blob size are each driver's concern. */
export function assertRangeShape(range: ByteRange): void {
  const { start, end } = range;
  const validStart = Number.isSafeInteger(start) && start >= 0;
  const validEnd = end === undefined || (Number.isSafeInteger(end) && end >= start);
  if (!validStart || !validEnd) throw new InvalidRangeError(range);
}

/** Streams may yield strings (when an encoding is set) or any typed array; hashing needs bytes. */
export function chunkToBuffer(chunk: unknown): Buffer {
  if (Buffer.isBuffer(chunk)) return chunk;
  if (typeof chunk === 'string') return Buffer.from(chunk, 'utf8');
  if (ArrayBuffer.isView(chunk)) return Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
  throw new TypeError(`Unsupported stream chunk type: ${typeof chunk}`);
}
