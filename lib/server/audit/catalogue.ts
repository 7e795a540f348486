import { z } from 'zod';
import type { AuditDefinition } from './define';
import { caseActions } from './actions/cases';
import { labelActions } from './actions/labels';
import { modelActions } from './actions/models';
import { datasetActions } from './actions/datasets';
import { adminActions } from './actions/admin';
import { accessActions } from './actions/access';
import { dicomActions } from './actions/dicom';
import { calibrationActions } from './actions/calibration';
import { pacsActions } from './actions/pacs';

/**
 * The audit catalogue: every action the code writes, with its entity type and the schema of its data. Call sites and
 * queries name actions through `AUDIT` (a literal action name anywhere else fails tests/audit/catalogue.test.ts),
 * `recordAudit` accepts only these, and readers get typed data back through `parseAuditData` / `parseAuditEvent`.
 */
const CATALOGUE = {
  ...caseActions,
  ...labelActions,
  ...modelActions,
  ...datasetActions,
  ...adminActions,
  ...accessActions,
  ...calibrationActions,
  ...dicomActions,
  ...pacsActions,
};

type Catalogue = typeof CATALOGUE;
type Definition = Catalogue[keyof Catalogue];
type DefinitionOf<A extends AuditAction> = Extract<Definition, { action: A }>;

export type AuditAction = Definition['action'];
export type AuditData<A extends AuditAction> = z.output<DefinitionOf<A>['data']>;
export type AuditDataInput<A extends AuditAction> = z.input<DefinitionOf<A>['data']>;
/** An event's action and data typed together, as read: narrowing on `action` types `data`. */
export type TypedAuditEvent = { [A in AuditAction]: { action: A; data: AuditData<A> } }[AuditAction];
/** An action and its data typed together, as written: for code that picks one of several actions. */
export type AuditRecord<A extends AuditAction = AuditAction> = { [K in A]: { action: K; data: AuditDataInput<K> } }[A];

/** The action names: `AUDIT.labelApprove` is 'label.approve'. */
export const AUDIT = Object.freeze(Object.fromEntries(Object.entries(CATALOGUE).map(([key, d]) => [key, d.action]))) as {
  readonly [K in keyof Catalogue]: Catalogue[K]['action'];
};

const BY_ACTION = new Map<string, AuditDefinition>(Object.values(CATALOGUE).map((d) => [d.action, d]));
// Two keys spelling one action would let one schema silently shadow the other.
if (BY_ACTION.size !== Object.keys(CATALOGUE).length) throw new Error('audit catalogue: an action name is defined twice');

export const AUDIT_ACTIONS: readonly AuditAction[] = [...BY_ACTION.keys()] as AuditAction[];

export function isAuditAction(action: string): action is AuditAction {
  return BY_ACTION.has(action);
}

function definition(action: AuditAction): AuditDefinition {
  const d = BY_ACTION.get(action);
  if (!d) throw new Error(`audit catalogue: unknown action ${action}`);
  return d;
}

export function auditEntityType(action: AuditAction): string {
  return definition(action).entityType;
}

/** For writers: the data as it will be stored, or an error naming the action and the fields that do not match. */
export function validateAuditData<A extends AuditAction>(action: A, data: AuditDataInput<A>): AuditData<A> {
  const parsed = definition(action).strictData.safeParse(data);
  if (!parsed.success) throw new Error(`audit data for ${action} does not match the catalogue:\n${z.prettifyError(parsed.error)}`);
  return parsed.data as AuditData<A>;
}

/** For readers: the stored data, typed, or null for a row that no longer fits (written before its schema changed). */
export function parseAuditData<A extends AuditAction>(action: A, data: unknown): AuditData<A> | null {
  const parsed = definition(action).data.safeParse(data);
  return parsed.success ? (parsed.data as AuditData<A>) : null;
}

/** For readers of mixed actions: null for an action outside the catalogue or data that no longer fits. */
export function parseAuditEvent(event: { action: string; data: unknown }): TypedAuditEvent | null {
  if (!isAuditAction(event.action)) return null;
  const data = parseAuditData(event.action, event.data);
  return data === null ? null : ({ action: event.action, data } as TypedAuditEvent);
}

/** The reason a person or rule gave, for actions that record one; null otherwise or for data that no longer fits. */
export function auditReason(event: { action: string; data: unknown }): string | null {
  const typed = parseAuditEvent(event);
  return typed && 'reason' in typed.data ? typed.data.reason : null;
}
