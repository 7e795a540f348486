/**
 * The privacy primitives: keyed pseudonyms (stable under one key, unrelated under another), the sidecar allow-list,
 * authenticated encryption of the source references, and the public development keys refused in production.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { resetEnvCache } from '@/lib/server/env';
import { caseExternalId, decryptJson, encryptJson, filterSidecar, pseudonym } from '@/lib/server/dicom/privacy';

const KEYS = ['NODE_ENV', 'NEXTAUTH_SECRET', 'PSEUDONYM_KEY', 'DICOM_REFS_KEY'] as const;
const SECRET = '9f2c41d07be35a68e1c4f0b27d9a35e6c812f4b07a9d3e5c';
const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
function setEnv(values: Partial<Record<(typeof KEYS)[number], string>>) {
  for (const k of KEYS) if (k in values) (process.env as Record<string, string>)[k] = values[k]!;
  resetEnvCache();
}
afterEach(() => {
  for (const k of KEYS)
    if (saved[k] === undefined) delete process.env[k];
    else (process.env as Record<string, string>)[k] = saved[k]!;
  resetEnvCache();
});

describe('DICOM privacy', () => {
  it('pseudonyms are keyed: stable under one key, different under another, never the identifier itself', () => {
    setEnv({ PSEUDONYM_KEY: 'a'.repeat(16) + 'b'.repeat(16) });
    const one = pseudonym('patient', 'PID-123');
    expect(pseudonym('patient', 'PID-123')).toBe(one);
    expect(pseudonym('study', 'PID-123')).not.toBe(one);
    expect(one).not.toContain('PID-123');
    expect(caseExternalId('1.2.3')).toMatch(/^DICOM-[0-9a-f]{16}$/);
    setEnv({ PSEUDONYM_KEY: 'c'.repeat(32) });
    expect(pseudonym('patient', 'PID-123')).not.toBe(one);
  });

  it('keeps only allow-listed sidecar fields, and the institution only as a site key', () => {
    const kept = filterSidecar({
      Manufacturer: 'GE',
      EchoTime: 0.003,
      PatientName: 'Doe^Jane',
      PatientID: 'X1',
      InstitutionName: 'St Elsewhere',
      DeviceSerialNumber: '123',
      AcquisitionDateTime: '2020-09-29T00:20:56',
      ImageType: ['ORIGINAL', 'PRIMARY'],
    });
    expect(kept).toEqual({
      Manufacturer: 'GE',
      EchoTime: 0.003,
      ImageType: ['ORIGINAL', 'PRIMARY'],
      SiteKey: expect.stringMatching(/^site-[0-9a-f]{8}$/),
    });
  });

  it('encrypts the references with authentication: a changed byte or another key fails', () => {
    const record = encryptJson({ PatientID: 'PID-123' });
    expect(record).not.toContain('PID-123');
    expect(encryptJson({ PatientID: 'PID-123' })).not.toBe(record); // a fresh nonce each time
    expect(decryptJson(record)).toEqual({ PatientID: 'PID-123' });
    const parts = record.split('.');
    const flipped = parts[3].startsWith('A') ? `B${parts[3].slice(1)}` : `A${parts[3].slice(1)}`;
    expect(() => decryptJson([...parts.slice(0, 3), flipped].join('.'))).toThrow();
    setEnv({ DICOM_REFS_KEY: 'f'.repeat(64) });
    expect(() => decryptJson(record)).toThrow();
  });

  it('refuses the public development keys in production', () => {
    setEnv({ NODE_ENV: 'production', NEXTAUTH_SECRET: SECRET, PSEUDONYM_KEY: 'tumorwatch-development-pseudonym-key' });
    expect(() => pseudonym('patient', 'x')).toThrow(/set PSEUDONYM_KEY to at least 32 random characters/);
    setEnv({ NODE_ENV: 'production', NEXTAUTH_SECRET: SECRET, PSEUDONYM_KEY: 'e'.repeat(40) });
    expect(pseudonym('patient', 'x')).toMatch(/^[0-9a-f]{64}$/);
    expect(() => encryptJson({})).toThrow(/set DICOM_REFS_KEY/);
  });
});
