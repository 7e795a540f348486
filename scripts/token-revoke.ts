/**
 * Revokes an API token (clients using it are refused from their next request):
 *   npm run token:revoke -- --id <tokenId>
 *   npm run token:revoke -- --name <name> --user <owner email>
 * Ids are listed by `npm run token:list`. A name matching several live tokens of the owner is refused: use --id.
 */
import { parseArgs } from 'node:util';
import { listApiTokens, revokeApiToken } from '../lib/server/auth/tokens';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';

const USAGE = 'usage: npm run token:revoke -- --id <tokenId> | --name <name> --user <owner email>';

async function tokenId(values: { id?: string; name?: string; user?: string }): Promise<string> {
  if (values.id) return values.id;
  if (!values.name || !values.user) throw new Error(USAGE);
  const email = values.user.trim().toLowerCase();
  const matches = (await listApiTokens()).filter((t) => t.owner === email && t.name === values.name!.trim() && t.status !== 'revoked');
  if (matches.length === 0) throw new Error(`no live token named "${values.name}" for ${email}`);
  if (matches.length > 1)
    throw new Error(
      `${matches.length} live tokens are named "${values.name}" for ${email}; revoke one with --id (${matches.map((t) => t.id).join(', ')})`,
    );
  return matches[0].id;
}

async function main() {
  const { values } = parseArgs({ options: { id: { type: 'string' }, name: { type: 'string' }, user: { type: 'string' } } });
  const id = await tokenId(values);
  await revokeApiToken(SYSTEM, id);
  console.log(`revoked token ${id}`);
}

main()
  .catch((e) => {
    console.error(`token:revoke failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
