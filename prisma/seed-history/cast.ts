/** The demo's people, as the actors the product's services take (the same accounts the README lists). */
import { db } from '../../lib/server/db';
import type { UserActor } from '../../lib/server/auth/session';
import type { RoleName } from '../../lib/permissions';
import { DEMO_USERS } from '../demo-users';

export interface DemoCast {
  radiologist: UserActor;
  secondReader: UserActor;
  mlEngineer: UserActor;
  /** the ML engineer signs the promotion with their password, as the promotion dialog asks */
  mlEngineerPassword: string;
}

async function actor(email: string): Promise<UserActor> {
  const u = await db().user.findUnique({ where: { email } });
  if (!u) throw new Error(`demo user ${email} is missing: the history is seeded after the demo users`);
  return { kind: 'user', id: u.id, email: u.email, name: u.name, role: u.role as RoleName };
}

function demoUser(role: string, index = 0) {
  const u = DEMO_USERS.filter((d) => d.role === role)[index];
  if (!u) throw new Error(`prisma/demo-users.ts has no demo user #${index + 1} with role ${role}`);
  return u;
}

export async function demoCast(): Promise<DemoCast> {
  const ml = demoUser('ML_ENGINEER');
  return {
    radiologist: await actor(demoUser('RADIOLOGIST', 0).email),
    secondReader: await actor(demoUser('RADIOLOGIST', 1).email),
    mlEngineer: await actor(ml.email),
    mlEngineerPassword: ml.password,
  };
}
