import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

/**
 * Copies the study's T1C series as a repeat (new series and SOP Instance UIDs, series 5 "AX T1 POST GAD REPEAT"), as a
 * technologist repeats a sequence after the patient moved: the rules then find two T1C candidates and the study waits
 * for a person. pydicom from the project's Python environment; prints the number of files written.
 */
const REPEAT_T1C = `
import pathlib, sys
import pydicom
from pydicom.uid import generate_uid
folder = pathlib.Path(sys.argv[1])
series_uid, written = generate_uid(), 0
for f in sorted(folder.iterdir()):
    ds = pydicom.dcmread(f)
    if ds.SeriesDescription != "AX T1 POST GAD":
        continue
    ds.SeriesInstanceUID = series_uid
    ds.SOPInstanceUID = ds.file_meta.MediaStorageSOPInstanceUID = generate_uid()
    ds.SeriesNumber = 5
    ds.SeriesDescription = "AX T1 POST GAD REPEAT"
    ds.save_as(folder / f"repeat-{f.name}", enforce_file_format=True)
    written += 1
print(written)
`;

/**
 * A synthetic four-sequence DICOM study (scripts/cohort.ts for the case, the trainer package's study writer
 * `python -m tumorwatch_train.dicom write-study` for the DICOM files, all on one grid) in `<root>/study`: one that
 * becomes a case as it is. `seed` names the synthetic case, `studySeed` the study writer's (its UIDs among them).
 */
export function writeStudy(root: string, { seed = 'e2e-dicom', studySeed = 7 } = {}): string {
  fs.rmSync(root, { recursive: true, force: true });
  const cohort = path.join(root, 'cohort');
  const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
    execFileSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024, stdio: ['ignore', 'pipe', 'inherit'] });
  run('npx', [
    'tsx',
    '--conditions=react-server',
    'scripts/cohort.ts',
    '--domain',
    'A',
    '--seed',
    seed,
    '--n',
    '1',
    '--size',
    '96,96,64',
    '--out',
    cohort,
  ]);
  const entry = (JSON.parse(fs.readFileSync(path.join(cohort, 'cohort.json'), 'utf8')) as { cases: { files: Record<string, string> }[] })
    .cases[0];
  const dir = path.join(root, 'study');
  const python = path.resolve('.venv/bin/python');
  const pythonEnv = { ...process.env, PYTHONPATH: path.resolve('training/src') };
  const caseDir = path.dirname(path.join(cohort, entry.files.T1N));
  run(
    python,
    ['-m', 'tumorwatch_train.dicom', 'write-study', '--case', caseDir, '--out', dir, '--oblique', 'none', '--seed', String(studySeed)],
    pythonEnv,
  );
  return dir;
}

/** writeStudy plus a repeated T1C series. Returns the folder and how many files it holds. */
export function writeStudyWithRepeatedT1C(root: string): { dir: string; files: number; repeated: number } {
  const dir = writeStudy(root);
  const python = path.resolve('.venv/bin/python');
  const run = (args: string[]) => execFileSync(python, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const repeated = Number(run(['-c', REPEAT_T1C, dir]).trim());
  if (!(repeated > 0)) throw new Error(`no T1C series found to repeat in ${dir}`);
  return { dir, files: fs.readdirSync(dir).length, repeated };
}
