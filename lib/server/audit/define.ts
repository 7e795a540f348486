import { z } from 'zod';

/**
 * One audit action: the name stored in `AuditEvent.action` (never renamed: existing databases hold it), the entity
 * type it is recorded against, and the schema of its `data`. Written strictly (an unlisted key is an error, so the
 * catalogue stays the complete record of what is stored); read leniently (unknown keys are dropped).
 */
export interface AuditDefinition<N extends string = string, E extends string = string, S extends z.ZodObject = z.ZodObject> {
  action: N;
  entityType: E;
  data: S;
  strictData: z.ZodType;
}

export function defineAudit<const N extends string, const E extends string, S extends z.ZodObject>(
  action: N,
  entityType: E,
  data: S,
): AuditDefinition<N, E, S> {
  return { action, entityType, data, strictData: data.strict() };
}

// Field shapes shared by several actions.
export const id = z.string().min(1);
export const stage = z.string();
/** The evidence report frozen before a promotion commits (lib/server/registry/evidence/store.ts). */
export const storedEvidence = z.object({ jsonKey: z.string(), htmlKey: z.string(), htmlSha256: z.string() });
export const regionDice = z.object({ WT: z.number(), TC: z.number(), ET: z.number() });
export const labelCounts = z.object({ '1': z.number(), '2': z.number(), '3': z.number() });
