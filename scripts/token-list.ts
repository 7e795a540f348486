/**
 * Lists API tokens (never their secrets): `npm run token:list [-- --json] [-- --all]`.
 * Revoked tokens are left out unless --all is given.
 */
import { parseArgs } from 'node:util';
import { listApiTokens } from '../lib/server/auth/tokens';
import { disconnectDb } from '../lib/server/db';

const day = (iso: string | null, none: string) => (iso ? iso.slice(0, 16).replace('T', ' ') : none);

async function main() {
  const { values } = parseArgs({ options: { json: { type: 'boolean', default: false }, all: { type: 'boolean', default: false } } });
  const tokens = (await listApiTokens()).filter((t) => values.all || t.status !== 'revoked');
  if (values.json) return console.log(JSON.stringify(tokens, null, 2));
  if (tokens.length === 0) return console.log('no API tokens');
  const rows = tokens.map((t) => [t.id, t.name, t.owner, t.scope, t.status, day(t.expiresAt, 'never'), day(t.lastUsedAt, 'never')]);
  const header = ['id', 'name', 'owner', 'scope', 'status', 'expires', 'last used'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows])
    console.log(
      r
        .map((c, i) => c.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
    );
}

main()
  .catch((e) => {
    console.error(`token:list failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
