import 'server-only';
import { db } from '../../db';
import { AUDIT, parseAuditData } from '../../audit';
import { blobs } from '../../blobs';
import { AppError } from '../../errors';
import { collectEvidence } from './collect';
import { renderEvidenceHtml } from './html';
import { renderEvidencePdf } from './pdf';
import type { EvidenceData, EvidenceStep } from './types';

/**
 * Evidence is frozen at each promotion: the data (JSON) and the rendered HTML are stored as blobs before the
 * promotion's transaction commits, and the promotion's audit event (and, for production, the Approval) point at them.
 * A later download renders from that frozen data, never from the database as it is now.
 */
export interface StoredEvidence {
  jsonKey: string;
  htmlKey: string;
  htmlSha256: string;
}

export async function storeEvidence(data: EvidenceData): Promise<StoredEvidence> {
  const json = await blobs().put(new TextEncoder().encode(JSON.stringify(data)), { contentType: 'application/json' });
  const html = await blobs().put(new TextEncoder().encode(renderEvidenceHtml(data)), { contentType: 'text/html' });
  return { jsonKey: json.key, htmlKey: html.key, htmlSha256: html.sha256 };
}

/** The audit action of each promotion step: its event points at the step's frozen evidence. */
export const PROMOTION_ACTION = {
  shadow: AUDIT.modelPromoteShadow,
  canary: AUDIT.modelPromoteCanary,
  production: AUDIT.modelPromoteProduction,
} as const satisfies Record<Exclude<EvidenceStep, 'preview'>, string>;

/** Each promotion step the model took, with its frozen evidence (the newest event per step), in promotion order. */
export async function promotionReports(modelVersionId: string): Promise<({ step: Exclude<EvidenceStep, 'preview'> } & StoredEvidence)[]> {
  const steps = ['shadow', 'canary', 'production'] as const;
  const found = await Promise.all(
    steps.map(async (step) => {
      const ev = await db().auditEvent.findFirst({
        where: { action: PROMOTION_ACTION[step], entityType: 'ModelVersion', entityId: modelVersionId },
        orderBy: { createdAt: 'desc' },
      });
      const evidence = ev && parseAuditData(PROMOTION_ACTION[step], ev.data)?.evidence;
      return evidence ? { step, ...evidence } : null;
    }),
  );
  return found.filter((r) => r !== null);
}

/** The frozen evidence of a model's promotion step, or null when the model never took that step. */
export async function frozenEvidence(modelVersionId: string, step: Exclude<EvidenceStep, 'preview'>): Promise<EvidenceData | null> {
  const ev = await db().auditEvent.findFirst({
    where: { action: PROMOTION_ACTION[step], entityType: 'ModelVersion', entityId: modelVersionId },
    orderBy: { createdAt: 'desc' },
  });
  const key = ev && parseAuditData(PROMOTION_ACTION[step], ev.data)?.evidence.jsonKey;
  if (!key) return null;
  return JSON.parse(new TextDecoder().decode(await blobs().get(key))) as EvidenceData;
}

export interface EvidenceFile {
  body: Uint8Array;
  contentType: string;
  filename: string;
}

/** For the download route: a promotion step's frozen report, or a live preview, as HTML or PDF. */
export async function evidenceFile(modelVersionId: string, step: EvidenceStep, format: 'html' | 'pdf'): Promise<EvidenceFile> {
  const data = step === 'preview' ? await collectEvidence(modelVersionId, { step }) : await frozenEvidence(modelVersionId, step);
  if (!data) throw new AppError('NOT_FOUND', `This model has no ${step} promotion, so there is no ${step} evidence report.`);
  const base = `evidence-${data.model.name}-${data.model.version}-${step}`.replace(/[^A-Za-z0-9._-]/g, '_');
  if (format === 'pdf') return { body: await renderEvidencePdf(data), contentType: 'application/pdf', filename: `${base}.pdf` };
  return { body: new TextEncoder().encode(renderEvidenceHtml(data)), contentType: 'text/html; charset=utf-8', filename: `${base}.html` };
}
