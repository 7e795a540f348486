import { requirePageUser } from '@/lib/server/auth/session';
import { PageHeader } from '@/components/ui/PageHeader';
import { ImportModelForm } from '@/components/models/ImportModelForm';
import { MlflowImportForm } from '@/components/mlflow/MlflowImportForm';
import { env } from '@/lib/server/env';

export const dynamic = 'force-dynamic';

export default async function ImportModelPage() {
  await requirePageUser('model:register');
  // the host only: a tracking URI may carry credentials
  const trackingUri = env().MLFLOW_TRACKING_URI;
  const mlflowHost = trackingUri ? new URL(trackingUri).host : null;
  return (
    <>
      <PageHeader
        title="Import a model"
        subtitle="Bring your own segmentation model: a MONAI bundle, an nnU-Net v2 trained model, or ONNX files with a model card."
      />
      <ImportModelForm />
      {mlflowHost ? <MlflowImportForm trackingHost={mlflowHost} /> : null}
    </>
  );
}
