import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { E2E_ENV } from '../playwright.config';

/** A fresh, seeded e2e database (run by the web server command, before the server opens the database). */
export default function globalSetup() {
  fs.rmSync('data/e2e', { recursive: true, force: true });
  const env = { ...process.env, ...E2E_ENV };
  execFileSync('npm', ['run', '--silent', 'db:reset'], { env, stdio: 'inherit' });
  execFileSync('npm', ['run', '--silent', 'db:seed'], { env, stdio: 'inherit' });
}

if (process.argv[1]?.endsWith('global-setup.ts')) globalSetup();
