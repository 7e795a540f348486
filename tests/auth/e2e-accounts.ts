/**
 * Account changes for e2e/security.spec.ts, made in the e2e database as an administrator would (run with the e2e
 * environment): `tsx --conditions=react-server tests/auth/e2e-accounts.ts <command> <email> [arg]`
 *   create <email> <password>   a radiologist
 *   deactivate <email> | role <email> <ROLE> | reset <email> <password>
 */
import { db, disconnectDb } from '@/lib/server/db';
import { SYSTEM } from '@/lib/server/auth/actor';
import { changeRole, createUser, resetPassword, setUserActive } from '@/lib/server/users';
import { retryBusy } from '@/scripts/scenario/busy';

async function main() {
  const [command, email, arg] = process.argv.slice(2);
  if (command === 'create') {
    await retryBusy(() => createUser(SYSTEM, { email, name: email, role: 'RADIOLOGIST', password: arg }, { upsert: true }));
    return;
  }
  const user = await db().user.findUniqueOrThrow({ where: { email } });
  if (command === 'deactivate') await retryBusy(() => setUserActive(SYSTEM, { userId: user.id, active: false }));
  else if (command === 'role') await retryBusy(() => changeRole(SYSTEM, { userId: user.id, role: arg }));
  else if (command === 'reset') await retryBusy(() => resetPassword(SYSTEM, { userId: user.id, password: arg }));
  else throw new Error(`unknown command ${command}`);
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
