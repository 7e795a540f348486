/**
 * Audit event data as readable label: value lines, driven by the data's own keys so a new catalogue action renders
 * without code here. Nested objects flatten into "Parent › child" lines; ids and hashes shorten to monospace text
 * (the full value stays in `title`); long lists and texts are cut so one event never floods the table.
 */
export interface AuditValue {
  text: string;
  mono: boolean;
  /** the full value when `text` is shortened */
  title?: string;
  /** the page of the row this id names */
  href?: string;
}

export interface AuditField {
  label: string;
  values: AuditValue[];
  /** list items left out */
  more: number;
}

const MAX_ITEMS = 6;
const MAX_TEXT = 160;
const SHA256 = /^[0-9a-f]{64}$/;
/** Generated row ids (cuid) and similar opaque tokens: long, no spaces, with a digit (unlike enum names). */
const OPAQUE = /^(?=.*\d)[A-Za-z0-9_-]{20,}$/;
const ID_KEY = /(^id|Id|Ids|Key|sha256|Sha256)$/;

/** previousProductionId -> "Previous production id"; WT and "1" stay as they are. */
export function humanise(key: string): string {
  const words = key.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/[_-]+/g, ' ');
  const lower = words
    .split(' ')
    .map((w) => (/^[A-Z0-9]+$/.test(w) ? w : w.toLowerCase()))
    .join(' ');
  return lower.charAt(0).toUpperCase() + lower.slice(1);
}

/** Pages that show one row, by entity type: an audit event's entity and the ids in its data link to them. */
const ENTITY_PAGES: Record<string, string> = {
  Case: '/cases/',
  ModelVersion: '/models/',
  WorkflowRun: '/runs/',
  Dataset: '/datasets/',
};
/** Data keys that hold one of those ids (only keys whose every action stores that kind of id). */
const KEY_ENTITY: Record<string, string> = {
  caseId: 'Case',
  caseIds: 'Case',
  unapprovedConfirmed: 'Case',
  modelVersionId: 'ModelVersion',
  parentModelId: 'ModelVersion',
  previousProductionId: 'ModelVersion',
  baselineModelId: 'ModelVersion',
  runId: 'WorkflowRun',
  datasetId: 'Dataset',
};

export function entityHref(entityType: string, entityId: string): string | undefined {
  const base = ENTITY_PAGES[entityType];
  return base ? `${base}${encodeURIComponent(entityId)}` : undefined;
}

function shortId(s: string): AuditValue {
  if (SHA256.test(s)) return { text: `${s.slice(0, 12)}…`, mono: true, title: s };
  return s.length > 12 ? { text: `…${s.slice(-8)}`, mono: true, title: s } : { text: s, mono: true };
}

function scalar(key: string, v: string | number | boolean | null | undefined): AuditValue {
  if (v === null || v === undefined) return { text: '—', mono: false };
  if (typeof v === 'boolean') return { text: v ? 'yes' : 'no', mono: false };
  if (typeof v === 'number') return { text: String(Math.round(v * 1000) / 1000), mono: false };
  if (KEY_ENTITY[key]) return { ...shortId(v), href: entityHref(KEY_ENTITY[key], v) };
  if (ID_KEY.test(key) || SHA256.test(v) || OPAQUE.test(v)) return shortId(v);
  return v.length > MAX_TEXT ? { text: `${v.slice(0, MAX_TEXT)}…`, mono: false, title: v } : { text: v, mono: false };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

type Scalar = string | number | boolean | null | undefined;
const isScalar = (v: unknown): v is Scalar => v === null || ['string', 'number', 'boolean', 'undefined'].includes(typeof v);

function fieldsOf(key: string, label: string, value: unknown): AuditField[] {
  if (isRecord(value)) return Object.entries(value).flatMap(([k, v]) => fieldsOf(k, `${label} › ${humanise(k)}`, v));
  if (!Array.isArray(value)) return [{ label, values: [scalar(key, isScalar(value) ? value : String(value))], more: 0 }];
  if (value.length === 0) return [{ label, values: [{ text: 'none', mono: false }], more: 0 }];
  const shown = value.slice(0, MAX_ITEMS);
  if (shown.every(isScalar)) return [{ label, values: shown.map((v) => scalar(key, v)), more: value.length - shown.length }];
  const items = shown.flatMap((v, i) => fieldsOf(key, `${label} ${i + 1}`, v));
  return value.length > shown.length ? [...items, { label, values: [], more: value.length - shown.length }] : items;
}

export function auditFields(data: unknown): AuditField[] {
  if (!isRecord(data)) return data === null || data === undefined ? [] : fieldsOf('', 'Value', data);
  return Object.entries(data).flatMap(([k, v]) => fieldsOf(k, humanise(k), v));
}
