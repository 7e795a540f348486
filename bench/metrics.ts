/**
 * Full evaluation (WT/TC/ET: plain Dice, HD95, sensitivity, specificity, volumes, lesion-wise Dice/HD95, lesion
 * counts and F1) of every real mask pair (5 algorithms x 2 cases against the fusion), by lib/metrics and by the
 * numpy/scipy/cc3d reference bench/metrics_ref.py, in one run on the same machine. All time the evaluation of
 * masks already in memory (no file reading), median over repeats per pair. Also reports how far they disagree.
 *
 * Two Python figures: the reference as it stands (the official code's structure: whole-volume masks, components and
 * dilation, per-lesion work on lesion boxes), which is the baseline of the ratio; and the same code with --crop
 * (everything cut to the labelled bounding box first), a further optimisation the official code does not make,
 * reported beside it so that the ratio can be read knowing how much of it is that one idea.
 * Prints a table and the ratio; writes bench/results/metrics.json.
 *   npx tsx --conditions=react-server bench/metrics.ts [--rounds 3] [--repeats 5]
 * (--repeats: TypeScript runs per pair per round; Python runs once per pair per round.)
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateCase, summarizeCase } from '@/lib/metrics';
import {
  loadPair,
  pythonAvailable,
  realDataAvailable,
  realPairs,
  REAL_LABEL_MAP,
  REPO_ROOT,
  runPythonRef,
  type PythonRun,
} from './metrics-pairs';

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const round = (x: number, digits = 3) => Number(x.toFixed(digits));

async function main() {
  const { values } = parseArgs({ options: { rounds: { type: 'string', default: '3' }, repeats: { type: 'string', default: '5' } } });
  const rounds = Number(values.rounds);
  const repeats = Number(values.repeats);
  if (!realDataAvailable()) throw new Error('real masks not found under ../shared/data/real');
  if (!pythonAvailable()) throw new Error('Python venv not found at .venv (the baseline needs numpy, scipy, cc3d, MONAI)');

  const pairs = realPairs();
  const loaded = await Promise.all(pairs.map(loadPair));
  const run = (i: number) => evaluateCase({ ...loaded[i], labelMap: REAL_LABEL_MAP });
  for (let w = 0; w < 3; w++) loaded.forEach((_, i) => run(i)); // JIT warm-up
  const tsMs = loaded.map(() => [] as number[]);
  const tsCpuMs = loaded.map(() => [] as number[]);
  const pyMs = loaded.map(() => [] as number[]);
  const pyCpuMs = loaded.map(() => [] as number[]);
  const cropMs = loaded.map(() => [] as number[]);
  const cropCpuMs = loaded.map(() => [] as number[]);
  let py: PythonRun | undefined;
  let cropped: PythonRun | undefined;
  // Rounds alternate the three implementations, so that bursts of load from other processes on a shared machine
  // fall on all of them rather than on whichever happened to run then.
  for (let pass = 0; pass < rounds; pass++) {
    for (let r = 0; r < repeats; r++)
      loaded.forEach((_, i) => {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        run(i);
        tsMs[i].push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        tsCpuMs[i].push((c.user + c.system) / 1000);
      });
    py = await runPythonRef(pairs, { labelMap: REAL_LABEL_MAP });
    py.seconds.forEach((s, i) => pyMs[i].push(s * 1000));
    py.cpu_seconds.forEach((s, i) => pyCpuMs[i].push(s * 1000));
    cropped = await runPythonRef(pairs, { labelMap: REAL_LABEL_MAP, crop: true });
    cropped.seconds.forEach((s, i) => cropMs[i].push(s * 1000));
    cropped.cpu_seconds.forEach((s, i) => cropCpuMs[i].push(s * 1000));
  }
  if (!py || !cropped) throw new Error('--rounds must be at least 1');
  const last = [py, cropped];
  const ts = tsMs.map(median);
  const pyMed = pyMs.map(median);
  const cropMed = cropMs.map(median);
  const best = (xs: number[][]) => median(xs.map((x) => Math.min(...x)));

  let maxDice = 0;
  let maxHd = 0;
  pairs.forEach((_, i) => {
    const mine = summarizeCase(run(i));
    for (const region of ['WT', 'TC', 'ET'] as const)
      for (const b of last.map((r) => r.results[i][region])) {
        const a = mine[region];
        maxDice = Math.max(maxDice, Math.abs(a.dice - b.dice), Math.abs(a.lw_dice - b.lw_dice));
        maxHd = Math.max(maxHd, Math.abs(a.hd95 - b.hd95), Math.abs(a.lw_hd95 - b.lw_hd95));
      }
  });

  console.log('pair                              TypeScript ms   Python ms   ratio   Python --crop ms   ratio');
  pairs.forEach((p, i) =>
    console.log(
      `${`${p.caseId}/${p.algorithm}`.padEnd(34)}${ts[i].toFixed(1).padStart(13)}${pyMed[i].toFixed(0).padStart(12)}` +
        `${(pyMed[i] / ts[i]).toFixed(1).padStart(8)}${cropMed[i].toFixed(0).padStart(19)}${(cropMed[i] / ts[i]).toFixed(1).padStart(8)}`,
    ),
  );
  const result = {
    pairs: pairs.length,
    rounds,
    ts_repeats_per_round: repeats,
    ts_median_ms_per_case: round(median(ts)),
    ts_max_ms_per_case: round(Math.max(...ts)),
    python_median_ms_per_case: round(median(pyMed)),
    python_max_ms_per_case: round(Math.max(...pyMed)),
    ratio_python_over_ts_median: round(median(pyMed) / median(ts), 2),
    ratio_python_over_ts_total: round(pyMed.reduce((a, b) => a + b, 0) / ts.reduce((a, b) => a + b, 0), 2),
    python_cropped_median_ms_per_case: round(median(cropMed)),
    ratio_python_cropped_over_ts_median: round(median(cropMed) / median(ts), 2),
    // Fastest run per pair, the figure least disturbed by other processes on a shared machine.
    ts_best_ms_per_case: round(best(tsMs)),
    python_best_ms_per_case: round(best(pyMs)),
    python_cropped_best_ms_per_case: round(best(cropMs)),
    ratio_python_over_ts_best: round(best(pyMs) / best(tsMs), 2),
    ratio_python_cropped_over_ts_best: round(best(cropMs) / best(tsMs), 2),
    // CPU time of each process (all threads): what each implementation costs, whoever else shares the cores.
    ts_cpu_median_ms_per_case: round(median(tsCpuMs.map(median))),
    python_cpu_median_ms_per_case: round(median(pyCpuMs.map(median))),
    python_cropped_cpu_median_ms_per_case: round(median(cropCpuMs.map(median))),
    ratio_python_over_ts_cpu: round(median(pyCpuMs.map(median)) / median(tsCpuMs.map(median)), 2),
    ratio_python_cropped_over_ts_cpu: round(median(cropCpuMs.map(median)) / median(tsCpuMs.map(median)), 2),
    max_abs_diff_dice: maxDice,
    max_abs_diff_hd95_mm: maxHd,
  };
  console.log(
    `median per case: TypeScript ${result.ts_median_ms_per_case} ms, Python ${result.python_median_ms_per_case} ms; ` +
      `Python/TypeScript = ${result.ratio_python_over_ts_median}x (totals ${result.ratio_python_over_ts_total}x); ` +
      `Python --crop ${result.python_cropped_median_ms_per_case} ms (${result.ratio_python_cropped_over_ts_median}x); ` +
      `CPU time per case: TypeScript ${result.ts_cpu_median_ms_per_case} ms, Python ${result.python_cpu_median_ms_per_case} ms ` +
      `(${result.ratio_python_over_ts_cpu}x), --crop ${result.python_cropped_cpu_median_ms_per_case} ms (${result.ratio_python_cropped_over_ts_cpu}x); ` +
      `max |diff| Dice ${maxDice}, HD95 ${maxHd} mm`,
  );
  const out = path.join(REPO_ROOT, 'bench/results/metrics.json');
  mkdirSync(path.dirname(out), { recursive: true });
  writeFileSync(out, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`wrote ${path.relative(REPO_ROOT, out)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
