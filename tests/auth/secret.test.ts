/** Production refuses a session secret anyone could guess (the server's start-up exits on it: e2e/security.spec.ts). */
import { describe, expect, it } from 'vitest';
import { DEV_SECRET, productionSecretProblem } from '@/lib/server/env';

describe('NEXTAUTH_SECRET in production', () => {
  it('refuses a missing, default, short or repetitive secret, saying how to make one', () => {
    expect(productionSecretProblem(undefined)).toMatch(/not set.*openssl rand -hex 32/);
    expect(productionSecretProblem(DEV_SECRET)).toMatch(/development secret/);
    expect(productionSecretProblem('tumorwatch-secret-2026')).toMatch(/22 characters/);
    expect(productionSecretProblem('a'.repeat(64))).toMatch(/repetitive/);
  });

  it('accepts a random one', () => {
    expect(productionSecretProblem('9f2c41d07be35a68e1c4f0b27d9a35e6c812f4b07a9d3e5c')).toBeNull();
  });
});
