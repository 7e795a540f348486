import 'server-only';
import bcrypt from 'bcryptjs';

// bcryptjs is pure JavaScript (no native build on these machines); cost 12 is ~250 ms per hash here.
const COST = 12;

export function hashPassword(password: string, cost = COST): Promise<string> {
  if (password.length < 8) throw new Error('Password must have at least 8 characters');
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
