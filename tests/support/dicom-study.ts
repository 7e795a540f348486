import { childEnv } from '@/lib/server/env';
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { generateCase } from '@/lib/server/imaging/cohort/generate';
import { writeCase } from '@/lib/server/imaging/cohort';

export interface WrittenStudy {
  dir: string;
  files: string[];
  caseDir: string;
  manifest: {
    studyInstanceUid: string;
    identifiers: Record<string, string>;
    series: { modality: string; seriesInstanceUid: string; seriesDescription: string; oblique: boolean; instances: number }[];
  };
}

/**
 * A synthetic case from the cohort generator written as a four-sequence DICOM study by the trainer package's study
 * writer (training/src/tumorwatch_train/dicom/study.py): realistic tags, patient identifiers, unordered files, and
 * FLAIR on an oblique grid unless `oblique: 'none'`.
 */
export async function writeSyntheticStudy(
  root: string,
  opts: { caseId?: string; seed?: string; dims?: [number, number, number]; oblique?: string } = {},
): Promise<WrittenStudy> {
  const caseId = opts.caseId ?? 'DICOM-SYN-1';
  const gen = generateCase({
    caseId,
    seed: opts.seed ?? 'dicom',
    domain: 'A',
    grid: { dims: opts.dims ?? [96, 96, 64], spacing: [1, 1, 1] },
  });
  await writeCase(path.join(root, 'cohort'), gen);
  const dir = path.join(root, 'study');
  const caseDir = path.join(root, 'cohort', caseId);
  const { stdout } = await promisify(execFile)(
    path.resolve('.venv/bin/python'),
    ['-m', 'tumorwatch_train.dicom', 'write-study', '--case', caseDir, '--out', dir, '--oblique', opts.oblique ?? 'T2F'],
    { env: childEnv({ PYTHONPATH: path.resolve('training/src') }), maxBuffer: 64 * 1024 * 1024 },
  );
  const manifest = JSON.parse(stdout) as WrittenStudy['manifest'];
  return { dir, caseDir, manifest, files: fs.readdirSync(dir).map((f) => path.join(dir, f)) };
}
