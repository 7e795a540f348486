import { requirePageUser } from '@/lib/server/auth/session';
import { PageHeader } from '@/components/ui/PageHeader';
import { ImportModelForm } from '@/components/models/ImportModelForm';

export const dynamic = 'force-dynamic';

export default async function ImportModelPage() {
  await requirePageUser('model:register');
  return (
    <>
      <PageHeader
        title="Import a model"
        subtitle="Bring your own segmentation model: a MONAI bundle, an nnU-Net v2 trained model, or ONNX files with a model card."
      />
      <ImportModelForm />
    </>
  );
}
