import 'server-only';
import type { z } from 'zod';
import { AppError } from '../errors';

/** How a kind of job is retried and how long one attempt may run. */
export interface JobPolicy {
  /** Attempts in all, the first run included (1..10). */
  maxAttempts: number;
  /** The wait after the n-th failed attempt is backoffMs * 2^(n-1), capped at maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** One attempt's limit: its AbortSignal fires then, and the attempt counts as failed. */
  timeoutMs: number;
}

/** P: the payload a handler receives (after defaults); I: what enqueue accepts (before defaults). */
export interface JobDefinition<P = unknown, I = P> {
  readonly name: string;
  readonly schema: z.ZodType<P, I>;
  readonly policy: JobPolicy;
}

export const DEFAULT_POLICY: JobPolicy = {
  maxAttempts: 3,
  backoffMs: 2_000,
  maxBackoffMs: 10 * 60_000,
  timeoutMs: 15 * 60_000,
};

const NAME = /^[a-z][a-z0-9-]*(\.[a-z0-9-]+)*$/;

// On globalThis: Next.js may load this module once per bundle (instrumentation, routes), and all must share one registry.
const globalForJobs = globalThis as unknown as { tumorwatchJobDefinitions?: Map<string, JobDefinition<unknown>> };
function definitions(): Map<string, JobDefinition<unknown>> {
  globalForJobs.tumorwatchJobDefinitions ??= new Map();
  return globalForJobs.tumorwatchJobDefinitions;
}

/**
 * Declares a job kind and the zod schema its payload must satisfy. Redefining a name replaces the definition
 * (module reloads in development evaluate this again).
 */
export function defineJob<S extends z.ZodType>(
  name: string,
  schema: S,
  policy: Partial<JobPolicy> = {},
): JobDefinition<z.output<S>, z.input<S>> {
  if (!NAME.test(name) || name.length > 50)
    throw new Error(`job name "${name}" must look like "domain.action" (lowercase, at most 50 characters)`);
  const merged = { ...DEFAULT_POLICY, ...policy };
  checkPolicy(name, merged);
  const definition: JobDefinition<z.output<S>, z.input<S>> = { name, schema: schema as z.ZodType<z.output<S>, z.input<S>>, policy: merged };
  definitions().set(name, definition as unknown as JobDefinition<unknown>);
  return definition;
}

function checkPolicy(name: string, p: JobPolicy) {
  const bad = (why: string) => new Error(`job "${name}": ${why}`);
  if (!Number.isInteger(p.maxAttempts) || p.maxAttempts < 1 || p.maxAttempts > 10) throw bad('maxAttempts must be an integer in 1..10');
  if (!(p.backoffMs >= 0) || !(p.maxBackoffMs >= p.backoffMs)) throw bad('need 0 <= backoffMs <= maxBackoffMs');
  if (!(p.timeoutMs >= 1_000) || p.timeoutMs > 23 * 3_600_000) throw bad('timeoutMs must be between 1 s and 23 h (pg-boss expiry limit)');
}

export function resolveJob<P, I>(job: string | JobDefinition<P, I>): JobDefinition<P, I> {
  if (typeof job !== 'string') {
    // Passing the definition object registers it even if its module was loaded in another bundle.
    if (definitions().get(job.name) !== job) definitions().set(job.name, job as unknown as JobDefinition<unknown>);
    return job;
  }
  const found = definitions().get(job);
  if (!found)
    throw new AppError('INVALID_INPUT', `Unknown job "${job}": no definition is registered (import the module that calls defineJob).`);
  return found as unknown as JobDefinition<P, I>;
}

/** The policy of a kind this process may not have a definition for (recovering another process's job). */
export function policyOf(name: string): JobPolicy {
  return definitions().get(name)?.policy ?? DEFAULT_POLICY;
}

/** Validates a payload against its job's schema; a bad payload fails here with the offending fields named. */
export function parsePayload<P, I>(def: JobDefinition<P, I>, payload: unknown): P {
  const result = def.schema.safeParse(payload);
  if (result.success) return result.data;
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of result.error.issues) {
    const key = issue.path.join('.') || '(payload)';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  const summary = Object.entries(fieldErrors)
    .map(([k, v]) => `${k}: ${v.join(', ')}`)
    .join('; ');
  throw new AppError('INVALID_INPUT', `Invalid payload for job "${def.name}": ${summary}`, { fieldErrors });
}

/** Wait before the next attempt after `failedAttempt` (1-based) failed. */
export function retryDelayMs(policy: JobPolicy, failedAttempt: number): number {
  const exponent = Math.min(Math.max(failedAttempt - 1, 0), 30);
  return Math.min(policy.backoffMs * 2 ** exponent, policy.maxBackoffMs);
}

/** Thrown by a handler when retrying cannot help (bad input, missing data): the job fails at once. */
export class PermanentJobError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PermanentJobError';
  }
}
