import 'server-only';
import { z } from 'zod';
import { defineJob } from './registry';

/** A real, cheap job: proves a worker is alive and writing (admin "ping the worker", smoke tests, queue tests). */
export const systemPing = defineJob(
  'system.ping',
  z.strictObject({
    message: z.string().max(200).default('ping'),
    /** Simulated work, in ms, reported as progress in tenths. */
    delayMs: z.number().int().min(0).max(60_000).default(0),
  }),
  { maxAttempts: 3, backoffMs: 1_000, timeoutMs: 120_000 },
);
