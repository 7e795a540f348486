import 'server-only';
import { dictionary } from '@zxcvbn-ts/language-common';
import { AppError } from '../errors';

/**
 * Passwords of people who sign approvals and read patient scans: at least 12 characters and not one of the ~49,000
 * most common passwords (zxcvbn-ts's maintained list), compared case-insensitively, nor the account's own email.
 */
export const MIN_PASSWORD_LENGTH = 12;
const COMMON = new Set(dictionary['passwords-common'].map((p) => p.toLowerCase()));

/** A reason the password is refused, or null when it is acceptable. */
export function passwordProblem(password: string, email?: string): string | null {
  if (password.length < MIN_PASSWORD_LENGTH) return `Password must have at least ${MIN_PASSWORD_LENGTH} characters.`;
  if (password.length > 200) return 'Password must have at most 200 characters.';
  const lower = password.toLowerCase();
  if (COMMON.has(lower)) return 'This password is on the list of common passwords: choose another.';
  if (email && (lower === email.toLowerCase() || lower === email.split('@')[0].toLowerCase()))
    return 'Password must not be the email address.';
  return null;
}

export function assertPasswordAcceptable(password: string, email?: string): void {
  const problem = passwordProblem(password, email);
  if (problem) throw new AppError('INVALID_INPUT', problem, { fieldErrors: { password: [problem] } });
}
