/**
 * Issues an API token for a machine client (a PACS bridge, `npm run ingest` on another host):
 *   TOKEN=$(npm run --silent token:create -- --user bridge@hospital.org --name pacs-bridge [--scope INGEST|READ|ROLE] [--expires-days 365])
 * Prints only the secret on stdout (shown once: only its hash is stored); everything else goes to stderr.
 * The scope defaults to INGEST (send cases only): a wider token must be asked for.
 */
import { parseArgs } from 'node:util';
import { createApiToken, TOKEN_SCOPES, type TokenScope } from '../lib/server/auth/tokens';
import { listUsers } from '../lib/server/users';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';

const USAGE = `usage: npm run --silent token:create -- --user <email> --name <name> [--scope ${TOKEN_SCOPES.join('|')}] [--expires-days N]`;

async function main() {
  const { values } = parseArgs({
    options: {
      user: { type: 'string' },
      name: { type: 'string' },
      scope: { type: 'string', default: 'INGEST' },
      'expires-days': { type: 'string' },
    },
  });
  const scope = values.scope.toUpperCase();
  if (!values.user || !values.name || !(TOKEN_SCOPES as readonly string[]).includes(scope)) throw new Error(USAGE);
  let expiresAt: Date | null = null;
  if (values['expires-days'] !== undefined) {
    const days = Number(values['expires-days']);
    if (!Number.isInteger(days) || days < 1)
      throw new Error(`--expires-days must be a whole number of days (1 or more), not "${values['expires-days']}"`);
    expiresAt = new Date(Date.now() + days * 86_400_000);
  }
  const email = values.user.trim().toLowerCase();
  const owner = (await listUsers()).find((u) => u.email === email);
  if (!owner) throw new Error(`no user with email ${email} (create one with npm run user:create)`);
  const token = await createApiToken(owner.id, values.name, { scope: scope as TokenScope, expiresAt, actor: SYSTEM });
  process.stdout.write(`${token}\n`);
  console.error(
    `token "${values.name.trim()}" for ${email}: scope ${scope}, ${expiresAt ? `expires ${expiresAt.toISOString()}` : 'no expiry'}. Shown once: store it now.`,
  );
}

main()
  .catch((e) => {
    console.error(`token:create failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
