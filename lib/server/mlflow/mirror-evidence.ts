import 'server-only';
import { db } from '../db';
import { blobs } from '../blobs';
import { AppError } from '../errors';
import { frozenEvidence, promotionReports } from '../registry/evidence/store';
import { renderEvidencePdf } from '../registry/evidence/pdf';
import type { MlflowClient } from './client';

/**
 * Attaches each promotion's evidence report to the model's registered MLflow version: the HTML exactly as it was frozen
 * at the promotion (its sha256 is in the promotion's audit event) and a PDF rendered from the same frozen data, as
 * artefacts `evidence/<step>.html|.pdf` of the version's source run, and version tags `tumorwatch.evidence.<step>`
 * (the artefact's URI) and `tumorwatch.evidence.<step>.sha256`. PUTs and tags overwrite, so a repeated send is
 * harmless. Returns the steps attached.
 */
export async function attachEvidence(client: MlflowClient, modelVersionId: string): Promise<string[]> {
  const reports = await promotionReports(modelVersionId);
  if (reports.length === 0) return [];
  const link = await db().mlflowLink.findUnique({
    where: { entityKind_entityId: { entityKind: 'model-version', entityId: modelVersionId } },
  });
  if (!link?.runId || !link.modelName || !link.modelVersion)
    throw new Error(`model version ${modelVersionId} has no registered MLflow version yet: its evidence waits`);
  const run = { runId: link.runId, experimentId: link.experimentId ?? '', artifactUri: await client.runArtifactUri(link.runId) };
  for (const r of reports) {
    await client.uploadArtifact(run, `evidence/${r.step}.html`, await blobs().get(r.htmlKey));
    const pdf = await pdfOf(modelVersionId, r.step);
    if (pdf) await client.uploadArtifact(run, `evidence/${r.step}.pdf`, pdf);
    const tags = [
      { key: `tumorwatch.evidence.${r.step}`, value: `${run.artifactUri}/evidence/${r.step}.html` },
      { key: `tumorwatch.evidence.${r.step}.sha256`, value: r.htmlSha256 },
    ];
    for (const tag of tags) await client.setModelVersionTag(link.modelName, link.modelVersion, tag);
  }
  return reports.map((r) => r.step);
}

/** The PDF of a frozen report, or null where pdfkit is not installed (the HTML, the signed record, still goes). */
async function pdfOf(modelVersionId: string, step: 'shadow' | 'canary' | 'production'): Promise<Uint8Array | null> {
  const data = await frozenEvidence(modelVersionId, step);
  if (!data) return null;
  try {
    return await renderEvidencePdf(data);
  } catch (e) {
    if (e instanceof AppError && e.code === 'UNAVAILABLE') return null;
    throw e;
  }
}
