/**
 * Segmentation metrics of one prediction against one reference mask (NIfTI, same voxel grid). Prints one JSON
 * object keyed by region (WT, TC, ET) with plain Dice/HD95/sensitivity/specificity/volumes and the BraTS 2023
 * lesion-wise Dice/HD95 and lesion counts. Exits 1 with a message on an unreadable file, a mismatched grid or a
 * label outside the label map; 2 on bad usage.
 *   tsx --conditions=react-server scripts/metrics.ts --pred <mask> --ref <mask> [--challenge GLI]
 *       [--label-map brats2023|brats2020|brats2024] [--lesions]
 * --lesions adds each region's per-lesion and per-component detail.
 */
import { parseArgs } from 'node:util';
import { getLabelMap, LABEL_MAPS } from '@/lib/labels';
import { assertSameGrid, evaluateCase, labelBytes, MetricsInputError, summarizeRegion } from '@/lib/metrics';
import { NiftiError } from '@/lib/server/imaging/errors';
import { readNiftiFile, type NiftiVolume } from '@/lib/server/imaging/nifti';

const USAGE =
  'usage: metrics --pred <mask.nii[.gz]> --ref <mask.nii[.gz]> [--challenge GLI|SSA|PED|MEN|MET] ' +
  '[--label-map brats2023|brats2020|brats2024] [--lesions]';

function fail(message: string, code = 1): never {
  console.error(`metrics: ${message}`);
  process.exit(code);
}

/** The volume, or the reason it cannot be read (no exit here: both files are read at once, reported in order). */
async function read(file: string, what: string): Promise<NiftiVolume | string> {
  try {
    return await readNiftiFile(file);
  } catch (err) {
    const reason =
      err instanceof NiftiError ? err.message : (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : String(err);
    return `cannot read ${what} ${file}: ${reason}`;
  }
}

async function main() {
  let values;
  try {
    ({ values } = parseArgs({
      options: {
        pred: { type: 'string' },
        ref: { type: 'string' },
        challenge: { type: 'string', default: 'GLI' },
        'label-map': { type: 'string', default: 'brats2023' },
        lesions: { type: 'boolean', default: false },
      },
    }));
  } catch (err) {
    fail(`${(err as Error).message}\n${USAGE}`, 2);
  }
  if (!values.pred || !values.ref) fail(USAGE, 2);
  try {
    const labelMap = getLabelMap(values['label-map']);
    const [pred, ref] = await Promise.all([read(values.pred, 'prediction'), read(values.ref, 'reference')]);
    // the prediction's problem first, whichever read finished first
    if (typeof pred === 'string') fail(pred);
    if (typeof ref === 'string') fail(ref);
    const { dims, spacing } = assertSameGrid(pred, ref);
    const metrics = evaluateCase({
      pred: labelBytes(pred.data, `prediction ${values.pred}`),
      ref: labelBytes(ref.data, `reference ${values.ref}`),
      dims,
      spacing,
      labelMap,
      challenge: values.challenge,
    });
    const out = Object.fromEntries(
      Object.entries(metrics).map(([region, m]) => [
        region,
        values.lesions ? { ...summarizeRegion(m), lesions: m.lesions, pred_components: m.predComponents } : summarizeRegion(m),
      ]),
    );
    console.log(JSON.stringify(out));
  } catch (err) {
    const message = (err as Error).message;
    if (err instanceof MetricsInputError && /does not define/.test(message))
      fail(`${message}; name the masks' convention with --label-map (${Object.keys(LABEL_MAPS).join(', ')})`);
    if (err instanceof MetricsInputError || /Unknown label map/.test(message)) fail(message);
    throw err;
  }
}

main();
