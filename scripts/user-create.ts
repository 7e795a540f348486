/**
 * Production user management: `npm run user:create -- --email a@b.org --name "A B" --role RADIOLOGIST`
 * The password is read from the TUMORWATCH_PASSWORD variable, or prompted on a terminal; never from an option, since a
 * command line is visible to every user of the machine (ps) and kept in shell history.
 */
import { parseArgs } from 'node:util';
import readline from 'node:readline/promises';
import { Writable } from 'node:stream';
import { createUser } from '../lib/server/users';
import { SYSTEM } from '../lib/server/auth/actor';
import { disconnectDb } from '../lib/server/db';

/** Asks on the terminal without echoing what is typed (readline writes its echo to a stream that drops it). */
async function promptHidden(question: string): Promise<string> {
  process.stderr.write(question);
  const silent = new Writable({ write: (_chunk, _encoding, done) => done() });
  const rl = readline.createInterface({ input: process.stdin, output: silent, terminal: true });
  const answer = await rl.question('');
  rl.close();
  process.stderr.write('\n');
  return answer;
}

async function readPassword(): Promise<string> {
  if (process.env.TUMORWATCH_PASSWORD) return process.env.TUMORWATCH_PASSWORD;
  return promptHidden('Password (at least 12 characters, not shown): ');
}

async function main() {
  if (process.argv.some((a) => a === '--password' || a.startsWith('--password='))) {
    throw new Error(
      '--password is not accepted (a command line is visible to other users and kept in shell history): set TUMORWATCH_PASSWORD or answer the prompt',
    );
  }
  const { values } = parseArgs({ options: { email: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } } });
  if (!values.email || !values.role)
    throw new Error(
      'usage: npm run user:create -- --email <email> --role <RADIOLOGIST|PHYSICIAN|ML_ENGINEER|ADMIN> [--name <name>] (password: TUMORWATCH_PASSWORD or prompted)',
    );
  const password = await readPassword();
  const user = await createUser(SYSTEM, { email: values.email, name: values.name ?? values.email, role: values.role as never, password });
  console.log(JSON.stringify(user));
}

main()
  .catch((e) => {
    console.error(`user:create failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
