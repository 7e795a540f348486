/**
 * Production user management: `npm run user:create -- --email a@b.org --name "A B" --role RADIOLOGIST`
 * The password is read from --password, or from the TUMORWATCH_PASSWORD variable, or prompted on a terminal.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { createUser } from '../lib/server/users';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';

async function readPassword(): Promise<string> {
  if (process.env.TUMORWATCH_PASSWORD) return process.env.TUMORWATCH_PASSWORD;
  const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  const answer = await rl.question('Password (min 8 characters): ');
  rl.close();
  return answer;
}

async function main() {
  const { values } = parseArgs({
    options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' }, password: { type: 'string' } },
  });
  if (!values.email || !values.role) throw new Error('usage: npm run user:create -- --email <email> --role <RADIOLOGIST|PHYSICIAN|ML_ENGINEER|ADMIN> [--name <name>] [--password <pw>]');
  const password = values.password ?? (await readPassword());
  const user = await createUser(SYSTEM, { email: values.email, name: values.name ?? values.email, role: values.role as never, password });
  console.log(JSON.stringify(user));
}

main()
  .catch((e) => {
    console.error(`user:create failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
