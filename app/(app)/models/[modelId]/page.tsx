import { notFound } from 'next/navigation';
import { requirePageUser } from '@/lib/server/auth/session';
import { can } from '@/lib/permissions';
import { isAppError } from '@/lib/server/errors';
import { getModelDetail, type ModelDetailDto } from '@/lib/server/registry/queries';
import { listEvaluations } from '@/lib/server/evaluation/queries';
import { getActiveCriteria } from '@/lib/server/evaluation/criteria';
import { deploymentReport } from '@/lib/server/registry/monitoring';
import { PROMOTION_ACTION } from '@/lib/server/registry/evidence/store';
import { PageHeader } from '@/components/ui/PageHeader';
import { DataTable } from '@/components/ui/DataTable';
import { formatDateTime } from '@/components/ui/format';
import { ModelOverview } from '@/components/models/ModelOverview';
import { PromotionPanel } from '@/components/models/PromotionPanel';
import { DeploymentReportView } from '@/components/models/DeploymentReportView';
import { EvidenceLinks } from '@/components/models/EvidenceLinks';
import { EvaluationList } from '@/components/evaluation/EvaluationList';
import { DriftReferencePanel } from '@/components/models/DriftReferencePanel';
import { getDriftReferenceInfo } from '@/lib/server/registry/calibration';
import { mlflowModelStatus } from '@/lib/server/mlflow/queries';
import { MlflowStatus } from '@/components/mlflow/MlflowStatus';

export const dynamic = 'force-dynamic';

async function load(modelId: string): Promise<ModelDetailDto> {
  try {
    return await getModelDetail(modelId);
  } catch (e) {
    if (isAppError(e) && e.code === 'NOT_FOUND') notFound();
    throw e;
  }
}

export default async function ModelPage({ params }: { params: Promise<{ modelId: string }> }) {
  const user = await requirePageUser('model:view');
  const { modelId } = await params;
  const model = await load(modelId);
  const { config } = await getActiveCriteria();
  const [evaluations, shadow, canary, reference] = await Promise.all([
    listEvaluations(model.id),
    deploymentReport(model.id, 'SHADOW', config.shadow.disagreementDice),
    deploymentReport(model.id, 'CANARY', config.shadow.disagreementDice),
    getDriftReferenceInfo(model.id, model.card),
  ]);
  const mlflow = await mlflowModelStatus(model.id); // null without MLFLOW_TRACKING_URI
  const taken = new Set(model.events.map((e) => e.action));
  const promoted = (['shadow', 'canary', 'production'] as const).filter((s) => taken.has(PROMOTION_ACTION[s]));
  return (
    <>
      <PageHeader title={`${model.name}@${model.version}`} subtitle="Registry entry: lineage, model card, evaluations, deployments and every stage change." />
      <div className="space-y-8">
        <ModelOverview model={model} />
        <section>
          <h2 className="mb-3 text-lg font-semibold">Drift reference</h2>
          <DriftReferencePanel info={reference} />
        </section>
        {can(user.role, 'model:promote') && (
          <section>
            <h2 className="mb-3 text-lg font-semibold">Promotion</h2>
            <PromotionPanel modelVersionId={model.id} stage={model.stage} steps={model.steps}
              canary={canary.deployment && !canary.deployment.endedAt ? { cases: canary.model.cases, minCases: config.canary.minCases } : undefined} />
          </section>
        )}
        <section>
          <h2 className="mb-3 text-lg font-semibold">Evaluations</h2>
          <EvaluationList rows={evaluations} />
        </section>
        <section className="grid gap-4 lg:grid-cols-2">
          <DeploymentReportView title="Shadow report" report={shadow} />
          <DeploymentReportView title="Canary report" report={canary} />
        </section>
        <section>
          <h2 className="mb-3 text-lg font-semibold">Evidence</h2>
          <EvidenceLinks modelVersionId={model.id} steps={promoted} />
        </section>
        {mlflow && (
          <section>
            <h2 className="mb-3 text-lg font-semibold">MLflow</h2>
            <MlflowStatus status={mlflow} />
          </section>
        )}
        <section>
          <h2 className="mb-3 text-lg font-semibold">Approvals</h2>
          <DataTable
            label="Approvals"
            rows={model.approvals}
            rowKey={(a) => a.id}
            columns={[
              { header: 'Decision', cell: (a) => a.decision },
              { header: 'By', cell: (a) => a.approver },
              { header: 'At', cell: (a) => formatDateTime(a.createdAt) },
              { header: 'Reason', cell: (a) => a.reason },
            ]}
          />
        </section>
        <section>
          <h2 className="mb-3 text-lg font-semibold">History</h2>
          <DataTable
            label="Model history"
            rows={model.events}
            rowKey={(e) => e.id}
            columns={[
              { header: 'When', cell: (e) => formatDateTime(e.createdAt) },
              { header: 'Action', cell: (e) => <code className="text-xs">{e.action}</code> },
              { header: 'By', cell: (e) => e.actor },
              { header: 'Reason', cell: (e) => e.reason ?? '—' },
            ]}
          />
        </section>
      </div>
    </>
  );
}
