import 'server-only';
import type { CriteriaConfig } from '@/lib/schemas/criteria';
import type { EvaluationDetailDto, ModelRef } from '../../evaluation/queries';
import type { DeploymentReport } from '../monitoring';

/**
 * Everything a promotion's evidence report states, frozen as JSON at the moment of the promotion (stored as a blob
 * beside the rendered HTML), in the spirit of an FDA predetermined change control plan: why the change, from which
 * data, how trained, how it measured against the pre-set criteria, how it behaved in shadow and canary, who approved.
 */
export type EvidenceStep = 'shadow' | 'canary' | 'production' | 'preview';

export interface TriggerEvidence {
  /** the production model this version replaces (replaced, once promoted); never the version itself */
  production: ModelRef | null;
  window: { from: string | null; to: string };
  casesServed: number;
  withDriftReport: number;
  drifters: number;
  drifterRate: number | null;
  meanDriftScore: number | null;
  topDriftReasons: { reason: string; count: number }[];
  flags: number;
  flaggedCases: number;
  flagsByReason: Record<string, number>;
  /** cases of the training snapshot that were drifters or flagged: what the retraining learnt from */
  problematicCases: number;
  /** external ids of those cases (absent in reports frozen before they were listed) */
  triggeringCases?: string[];
  runParams: unknown;
}

export interface LineageEvidence {
  snapshot: { id: string; name: string; sha256: string; caseCount: number; createdAt: string; splits: Record<string, number> } | null;
  labelAuthors: { name: string; versions: number }[];
  reviewers: { name: string; labels: number }[];
  holdoutSets: { name: string; kind: string; locked: boolean; lockedAt: string | null; members: number }[];
  leakage: { checked: boolean; holdoutCases: number; leaked: string[] };
}

export interface TrainingEvidence {
  run: {
    id: string;
    runner: string;
    status: string;
    externalUrl: string | null;
    startedAt: string | null;
    finishedAt: string | null;
  } | null;
  parent: ModelRef | null;
  codeVersion: string | null;
  /** the model card's training, architecture and ONNX sections as the trainer wrote them */
  card: { training: unknown; architecture: unknown; onnx: unknown };
}

export interface EvidenceData {
  generatedAt: string;
  step: EvidenceStep;
  model: ModelRef & { sha256: string; createdAt: string };
  trigger: TriggerEvidence;
  lineage: LineageEvidence;
  training: TrainingEvidence;
  evaluation: EvaluationDetailDto | null;
  criteria: { version: number; config: CriteriaConfig } | null;
  shadow: DeploymentReport;
  canary: DeploymentReport;
  approval: {
    approver: string;
    email: string;
    role: string;
    at: string;
    reason: string;
    /** the canary's record when signed: cases answered, the cases its rollback rule needs, and whether the approver
     * confirmed promoting on fewer (absent in reports written before this was recorded) */
    canary?: { cases: number; minCases: number; shortCanaryConfirmed: boolean };
  } | null;
  previousProduction: ModelRef | null;
  /** the replaced model's identity (absent in reports frozen before it was recorded: trigger.production names it) */
  replaced?: (ModelRef & { sha256: string; createdAt: string }) | null;
  /** the model's audited history up to the report, oldest first (absent in reports frozen before it was recorded) */
  auditTrail?: AuditTrailEntry[];
}

export interface AuditTrailEntry {
  at: string;
  actor: string;
  action: string;
  reason: string | null;
}

/**
 * The evidence report as a format-neutral document (sections of key-value lists, tables and paragraphs), rendered
 * to HTML (html.ts) and PDF (pdf.ts) from the same structure so the two can never say different things. Declared
 * here, beside the data, so every section builder (document.ts, document-metrics.ts) shares it without importing
 * the others.
 */
export type Block =
  | { kind: 'kv'; rows: [string, string][] }
  | { kind: 'table'; caption?: string; head: string[]; rows: string[][]; empty?: string }
  | { kind: 'p'; text: string }
  | { kind: 'chart'; chart: BarChart };

/**
 * A grouped bar chart with confidence whiskers (one group per set and region, one bar per model), drawn as inline SVG
 * in the HTML and with vector paths in the PDF: the figure a reader compares before the table's numbers.
 */
export interface BarChart {
  title: string;
  series: string[];
  groups: { label: string; bars: ({ value: number; lower?: number; upper?: number } | null)[] }[];
  /** value axis domain; defaults to [0, 1] */
  domain?: [number, number];
}

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}
