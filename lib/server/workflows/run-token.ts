import 'server-only';
import crypto from 'node:crypto';
import { db, type Tx } from '../db';
import { env } from '../env';
import { AppError } from '../errors';

/**
 * The credential a remote runner (GitHub Actions) holds for one run: it may download that run's manifest and files
 * until it uploads the artefacts, which uses it up. Only its sha256 is stored; it expires after RUN_TOKEN_TTL_MINUTES.
 */
const hash = (token: string) => crypto.createHash('sha256').update(token, 'utf8').digest('hex');

export async function issueRunToken(tx: Tx, runId: string): Promise<{ token: string; expiresAt: Date }> {
  const token = `twr_${crypto.randomBytes(32).toString('base64url')}`;
  const expiresAt = new Date(Date.now() + env().RUN_TOKEN_TTL_MINUTES * 60_000);
  await tx.workflowRun.update({
    where: { id: runId },
    data: { uploadTokenHash: hash(token), uploadTokenExpiresAt: expiresAt, uploadTokenUsedAt: null },
  });
  return { token, expiresAt };
}

export function bearerToken(req: Request): string {
  const auth = req.headers.get('authorization') ?? '';
  const m = auth.match(/^Bearer\s+(\S+)$/i);
  if (!m) throw new AppError('UNAUTHENTICATED', 'Send the run token as "Authorization: Bearer <token>".');
  return m[1];
}

/** Checks (without using it up) that the token is this run's, unused and unexpired. */
export async function verifyRunToken(runId: string, token: string): Promise<void> {
  const run = await db().workflowRun.findUnique({ where: { uploadTokenHash: hash(token) } });
  if (!run || run.id !== runId) throw new AppError('UNAUTHENTICATED', 'This token is not valid for this run.');
  if (run.uploadTokenUsedAt) throw new AppError('FORBIDDEN', 'This run token has already been used.');
  if (!run.uploadTokenExpiresAt || run.uploadTokenExpiresAt <= new Date())
    throw new AppError('UNAUTHENTICATED', 'This run token has expired.');
}

/**
 * Uses the token up. The conditional update is the single-use guarantee: of two concurrent uploads with the same
 * token, exactly one changes the row.
 */
export async function consumeRunToken(runId: string, token: string): Promise<void> {
  await verifyRunToken(runId, token);
  const now = new Date();
  const { count } = await db().workflowRun.updateMany({
    where: { id: runId, uploadTokenHash: hash(token), uploadTokenUsedAt: null, uploadTokenExpiresAt: { gt: now } },
    data: { uploadTokenUsedAt: now },
  });
  if (count !== 1) throw new AppError('FORBIDDEN', 'This run token has already been used.');
}
