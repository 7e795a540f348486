/**
 * Synthetic BraTS-like cohort generator.
 *   tsx --conditions=react-server scripts/cohort.ts --domain A --n 100 --seed 1 --out data/cohorts/A \
 *     [--size 240,240,155] [--spacing 1,1,1] [--shift scanner,thick-slices:5] [--start 0] [--level 1]
 * Presets and what they change: lib/server/imaging/cohort/README.md.
 */
import { parseArgs } from 'node:util';
import { generateCohort } from '@/lib/server/imaging/cohort';
import { PRESETS } from '@/lib/server/imaging/cohort/presets';

function triple(text: string, what: string): [number, number, number] {
  const v = text.split(',').map(Number);
  if (v.length !== 3 || v.some((x) => !(x > 0)))
    throw new Error(`--${what} needs three positive numbers, e.g. 240,240,155 (got "${text}")`);
  return v as [number, number, number];
}

async function main() {
  const { values } = parseArgs({
    options: {
      domain: { type: 'string', default: 'A' },
      n: { type: 'string', default: '10' },
      seed: { type: 'string', default: '1' },
      out: { type: 'string' },
      size: { type: 'string', default: '240,240,155' },
      spacing: { type: 'string', default: '1,1,1' },
      shift: { type: 'string', default: '' },
      start: { type: 'string', default: '0' },
      level: { type: 'string', default: '1' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help || !values.out) {
    console.log(
      'usage: scripts/cohort.ts --out <dir> [--domain A] [--n 10] [--seed 1] [--size 240,240,155] [--spacing 1,1,1] [--shift p1,p2:arg] [--start 0] [--level 1]',
    );
    console.log(`presets: ${PRESETS.map((p) => p.name).join(', ')}`);
    process.exit(values.help ? 0 : 2);
  }
  const n = Number(values.n);
  if (!Number.isInteger(n) || n < 1) throw new Error(`--n must be a positive integer (got "${values.n}")`);
  const shifts = values.shift
    ? values.shift
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
    : [];
  const t0 = performance.now();
  const { cohortFile, cases } = await generateCohort({
    domain: values.domain,
    n,
    seed: values.seed,
    out: values.out,
    shifts,
    grid: { dims: triple(values.size, 'size'), spacing: triple(values.spacing, 'spacing') },
    start: Number(values.start),
    level: Number(values.level),
    onCase: (c, i) => console.error(`[${i + 1}/${n}] ${c.caseId} WT ${c.volumesMl.WT} mL TC ${c.volumesMl.TC} mL ET ${c.volumesMl.ET} mL`),
  });
  const secs = (performance.now() - t0) / 1000;
  console.log(
    JSON.stringify({
      cohort: cohortFile,
      cases: cases.length,
      seconds: Math.round(secs * 10) / 10,
      perCaseSeconds: Math.round((secs / n) * 100) / 100,
    }),
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
