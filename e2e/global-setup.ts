import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { E2E_ENV } from '../playwright.config';

/** A fresh, seeded e2e database before the server starts serving tests. */
export default function globalSetup() {
  fs.rmSync('data/e2e', { recursive: true, force: true });
  const env = { ...process.env, ...E2E_ENV };
  execFileSync('npm', ['run', '--silent', 'db:reset'], { env, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'db:seed'], { env, stdio: 'inherit' });
}
