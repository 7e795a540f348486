import { afterEach, describe, expect, it } from 'vitest';
import { randomBytes } from 'node:crypto';
import { resetEnvCache } from '@/lib/server/env';
import { openBytes, sealBytes } from '@/lib/server/dicom/seg/sealed';
import { pacsConfig, requirePacs } from '@/lib/server/dicom/pacs/config';
import { AppError } from '@/lib/server/errors';

const KEYS = ['PACS_DICOMWEB_URL', 'PACS_USERNAME', 'PACS_PASSWORD', 'PACS_BEARER_TOKEN', 'DICOM_REFS_KEY'];
afterEach(() => {
  for (const k of KEYS) delete process.env[k];
  resetEnvCache();
});

describe('sealed SEG blobs', () => {
  it('round-trip, hide the plain bytes, and refuse a tampered blob or another key', () => {
    const plain = new Uint8Array(Buffer.from('DICM ... PatientName Testpatient^Jane'));
    const sealed = sealBytes(plain);
    expect(Buffer.from(sealed).includes(Buffer.from('Testpatient'))).toBe(false);
    expect(Buffer.from(openBytes(sealed)).toString()).toBe(Buffer.from(plain).toString());
    const tampered = sealed.slice();
    tampered[tampered.length - 1] ^= 1;
    expect(() => openBytes(tampered)).toThrow();
    process.env.DICOM_REFS_KEY = randomBytes(32).toString('hex');
    resetEnvCache();
    expect(() => openBytes(sealed)).toThrow();
    expect(() => openBytes(new Uint8Array(40))).toThrow(/unknown format/);
  });
});

describe('PACS configuration', () => {
  it('is absent without a URL, and a use of it then says what to set', () => {
    expect(pacsConfig()).toBeNull();
    expect(() => requirePacs()).toThrow(AppError);
    expect(() => requirePacs()).toThrow(/PACS_DICOMWEB_URL/);
  });

  it('takes basic credentials or a bearer token (the token wins), and drops a trailing slash', () => {
    Object.assign(process.env, { PACS_DICOMWEB_URL: 'http://pacs:8042/dicom-web/', PACS_USERNAME: 'tw', PACS_PASSWORD: 's3cret' });
    resetEnvCache();
    expect(pacsConfig()).toEqual({
      url: 'http://pacs:8042/dicom-web',
      authorization: `Basic ${Buffer.from('tw:s3cret').toString('base64')}`,
    });
    process.env.PACS_BEARER_TOKEN = 'abc';
    resetEnvCache();
    expect(pacsConfig()?.authorization).toBe('Bearer abc');
  });
});
