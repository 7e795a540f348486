import path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { createUser } from '@/lib/server/users';
import { actorForToken, listApiTokens } from '@/lib/server/auth/tokens';
import { SYSTEM } from '@/lib/server/auth/actor';

/** The token commands as an install script runs them: `TOKEN=$(npm run --silent token:create -- ...)`. */
const ROOT = path.resolve(__dirname, '../..');
useTestDb();

const npm = (script: string, args: string[], env: Record<string, string> = {}) =>
  promisify(execFile)('npm', ['run', '--silent', script, '--', ...args], {
    cwd: ROOT,
    timeout: 120_000,
    env: { ...process.env, ...env },
  }).then(
    (r) => ({ code: 0, stdout: r.stdout, stderr: r.stderr }),
    (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
  );

let ownerId = '';
beforeAll(async () => {
  ownerId = (
    await createUser(SYSTEM, {
      email: 'bridge@hospital.test',
      name: 'PACS bridge',
      role: 'ML_ENGINEER',
      password: 'a-long-bridge-passphrase',
    })
  ).id;
});

describe('npm run token:create', () => {
  it('prints only the secret, which authenticates as the owner with the asked scope and expiry', async () => {
    const r = await npm('token:create', [
      '--user',
      'Bridge@hospital.test',
      '--name',
      'pacs-bridge',
      '--scope',
      'INGEST',
      '--expires-days',
      '30',
    ]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^tw_[\w-]{43}\n$/);
    const actor = await actorForToken(r.stdout.trim());
    expect(actor).toMatchObject({ kind: 'token', name: 'pacs-bridge', userId: ownerId, role: 'ML_ENGINEER', scope: 'INGEST' });
    const [row] = (await listApiTokens()).filter((t) => t.name === 'pacs-bridge');
    expect(row).toMatchObject({ owner: 'bridge@hospital.test', scope: 'INGEST', status: 'active', createdBy: null });
    const days = (Date.parse(row.expiresAt!) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThanOrEqual(30);
  }, 120_000);

  it('gives the role scope only when asked, and no expiry without --expires-days', async () => {
    const r = await npm('token:create', ['--user', 'bridge@hospital.test', '--name', 'full', '--scope', 'ROLE']);
    expect(r.code, r.stderr).toBe(0);
    expect(await actorForToken(r.stdout.trim())).toMatchObject({ scope: 'ROLE', userId: ownerId });
    expect((await listApiTokens()).find((t) => t.name === 'full')?.expiresAt).toBeNull();
  }, 120_000);

  it('refuses an unknown owner or scope with nothing on stdout', async () => {
    const unknown = await npm('token:create', ['--user', 'nobody@hospital.test', '--name', 'x']);
    expect(unknown.code).toBe(1);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toContain('no user with email nobody@hospital.test');
    const scope = await npm('token:create', ['--user', 'bridge@hospital.test', '--name', 'x', '--scope', 'ADMIN']);
    expect(scope.code).toBe(1);
    expect(scope.stdout).toBe('');
    expect(scope.stderr).toContain('--scope INGEST|READ|ROLE');
  }, 120_000);
});

describe('npm run token:revoke', () => {
  it('revokes by name and owner: the token stops authenticating', async () => {
    const created = await npm('token:create', ['--user', 'bridge@hospital.test', '--name', 'to-revoke']);
    const token = created.stdout.trim();
    expect(await actorForToken(token)).toMatchObject({ scope: 'INGEST' }); // the CLI's default: least privilege
    const r = await npm('token:revoke', ['--name', 'to-revoke', '--user', 'bridge@hospital.test']);
    expect(r.code, r.stderr).toBe(0);
    expect(await actorForToken(token)).toBeNull();
    expect((await listApiTokens()).find((t) => t.name === 'to-revoke')?.status).toBe('revoked');
  }, 120_000);
});

describe('npm run user:create', () => {
  it('refuses a password on the command line', async () => {
    const r = await npm('user:create', ['--email', 'x@hospital.test', '--role', 'PHYSICIAN', '--password', 'a-long-enough-password']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('--password is not accepted');
  }, 120_000);

  it('takes the password from TUMORWATCH_PASSWORD and applies the policy', async () => {
    const weak = await npm('user:create', ['--email', 'y@hospital.test', '--role', 'PHYSICIAN'], { TUMORWATCH_PASSWORD: 'short' });
    expect(weak.code).toBe(1);
    expect(weak.stderr).toContain('at least 12 characters');
    const ok = await npm('user:create', ['--email', 'y@hospital.test', '--role', 'PHYSICIAN'], {
      TUMORWATCH_PASSWORD: 'a-long-physician-passphrase',
    });
    expect(ok.code, ok.stderr).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ email: 'y@hospital.test', role: 'PHYSICIAN' });
  }, 120_000);
});
