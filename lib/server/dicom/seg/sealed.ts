import 'server-only';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { env } from '../../env';

/**
 * A DICOM SEG copies the source study's patient module (name, ID, birth date: it must sit in that study), so it is
 * stored sealed: AES-256-GCM under DICOM_REFS_KEY, the key that already protects the source references it was built
 * from. The blob store never holds the identifiers in clear; download and STOW-RS open it in memory.
 */
const MAGIC = Buffer.from('TWSEG1');

export function sealBytes(plain: Uint8Array): Uint8Array {
  const nonce = randomBytes(12);
  const cipher = createCipheriv('aes-256-gcm', Buffer.from(env().DICOM_REFS_KEY, 'hex'), nonce);
  const body = Buffer.concat([cipher.update(plain), cipher.final()]);
  return new Uint8Array(Buffer.concat([MAGIC, nonce, cipher.getAuthTag(), body]));
}

/** Throws when the blob was altered or sealed under another key (GCM authenticates). */
export function openBytes(sealed: Uint8Array): Uint8Array {
  const b = Buffer.from(sealed.buffer, sealed.byteOffset, sealed.byteLength);
  if (!b.subarray(0, MAGIC.length).equals(MAGIC)) throw new Error('sealed SEG: unknown format');
  const nonce = b.subarray(MAGIC.length, MAGIC.length + 12);
  const tag = b.subarray(MAGIC.length + 12, MAGIC.length + 28);
  const decipher = createDecipheriv('aes-256-gcm', Buffer.from(env().DICOM_REFS_KEY, 'hex'), nonce);
  decipher.setAuthTag(tag);
  return new Uint8Array(Buffer.concat([decipher.update(b.subarray(MAGIC.length + 28)), decipher.final()]));
}
