/**
 * Exports a dataset snapshot for training outside the app:
 *   npm run snapshot:export -- <snapshotId> --format nnunet|monai --out <dir> [--dataset-id 501]
 * nnunet: <out>/Dataset501_TumorWatch/{imagesTr,labelsTr,imagesTs,labelsTs,dataset.json} (channels _0000.._0003 =
 * T1N, T1C, T2W, T2F); monai: <out>/{datalist.json,images/,labels/}. Reading a locked hold-out is audited.
 */
import { parseArgs } from 'node:util';
import { exportSnapshot } from '@/lib/server/datasets/export';
import { SYSTEM } from '@/lib/server/auth/actor';
import { disconnectDb } from '@/lib/server/db';

async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { format: { type: 'string', default: 'nnunet' }, out: { type: 'string' }, 'dataset-id': { type: 'string', default: '501' } },
  });
  const [snapshotId] = positionals;
  const format = values.format;
  if (!snapshotId || !values.out || (format !== 'nnunet' && format !== 'monai')) {
    console.error('usage: npm run snapshot:export -- <snapshotId> --format nnunet|monai --out <dir> [--dataset-id 501]');
    process.exit(2);
  }
  const r = await exportSnapshot(SYSTEM, { snapshotId, format, outDir: values.out, datasetId: Number(values['dataset-id']) });
  console.log(JSON.stringify(r));
}

main()
  .catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exitCode = 1;
  })
  .finally(() => disconnectDb());
