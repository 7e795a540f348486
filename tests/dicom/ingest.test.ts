/**
 * DICOM studies in, end to end through dcm2niix and the database: a complete study becomes a case, an incomplete one
 * waits for a person (who then assigns its series, audited), bad series are set aside with reasons without losing
 * the good ones, and no identifier of the received study reaches any stored row or blob in clear.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { listBlobFiles, useTestBlobs } from '../support/blobs';
import { db, isPostgres } from '@/lib/server/db';
import { AUDIT } from '@/lib/server/audit';
import { SYSTEM, type Actor } from '@/lib/server/auth/actor';
import { ingestDicomFiles, type StudyOutcome } from '@/lib/server/dicom/ingest';
import { assignStudySeries, listPendingStudies } from '@/lib/server/dicom/decisions';
import { readCaseSourceReferences } from '@/lib/server/dicom/references';
import { FOUR_SEQUENCES, KNOWN_IDENTIFIERS, geFiles, writeStudy } from './fixtures';
import * as dicomParser from 'dicom-parser';
import { metadataStats } from '@/lib/server/drift/case-stats';
import { acquisitionChecks } from '@/lib/server/drift/checks/metadata';
import { DEFAULT_DRIFT_SETTINGS } from '@/lib/server/drift/settings';
import type { DriftReference } from '@/lib/server/drift/types';

useTestDb();
const blobRoot = useTestBlobs();
/** slices per series: enough for a volume, few enough to keep the test quick */
const SLICES = 24;
let dir: string;
let complete: string[];
let incomplete: string[];
let radiologist: Actor;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tw-dicom-test-'));
  complete = writeStudy(path.join(dir, 'a'), 1, FOUR_SEQUENCES, { slices: SLICES });
  incomplete = writeStudy(
    path.join(dir, 'b'),
    2,
    [
      { number: 2, description: 'Ax T1 MPRAGE' },
      { number: 3, description: 'Ax T1 MPRAGE repeat' },
      { number: 4, description: 'Ax T1 POST GD MPRAGE' },
      { number: 5, description: 'Ax T2 FSE' },
      { number: 6, description: 'Ax 3D CUBE' },
      { number: 7, description: 'Ax T2 FLAIR', drop: [SLICES / 2] },
    ],
    { slices: SLICES },
  );
  fs.writeFileSync(path.join(dir, 'README.txt'), 'exported by the PACS');
  const u = await db().user.create({ data: { email: 'r@x', name: 'R', role: 'RADIOLOGIST', passwordHash: 'x' } });
  radiologist = { kind: 'user', id: u.id, email: u.email, name: u.name, role: 'RADIOLOGIST' };
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const byStatus = (studies: StudyOutcome[], status: StudyOutcome['status']) => studies.find((s) => s.status === status)!;

describe('DICOM ingestion', () => {
  let created: Extract<StudyOutcome, { status: 'created' }>;
  let pending: Extract<StudyOutcome, { status: 'needs-decision' }>;

  it('handles two studies and a stray file in one upload: one case, one study waiting, the file ignored with a note', async () => {
    const r = await ingestDicomFiles(SYSTEM, [...incomplete, path.join(dir, 'README.txt'), ...complete], { source: 'upload' });
    expect(r.ignored).toEqual([{ file: 'README.txt', reason: 'README.txt: not a DICOM file (no "DICM" marker at byte 128)' }]);
    expect(r.studies.map((s) => s.status).sort()).toEqual(['created', 'needs-decision']);
    created = byStatus(r.studies, 'created') as typeof created;
    pending = byStatus(r.studies, 'needs-decision') as typeof pending;

    expect(created.externalId).toMatch(/^DICOM-[0-9a-f]{16}$/);
    expect(created.series.map((s) => s.role)).toEqual(['T1N', 'T1C', 'T2W', 'T2F']);
    expect(created.accepted).toHaveLength(4 * SLICES);
    const c = await db().case.findUniqueOrThrow({ where: { id: created.caseId }, include: { volumes: true } });
    expect(c).toMatchObject({ scannerManufacturer: 'GE', scannerModel: 'SIGNA Pioneer', fieldStrength: 3 });
    expect(c.site).toMatch(/^site-[0-9a-f]{8}$/);
    expect(c.volumes).toHaveLength(4);
    for (const v of c.volumes) {
      expect(v.dicomSeriesId).toBeTruthy();
      expect(v.acquisition).toMatchObject({ Manufacturer: 'GE', EchoTime: 0.003172, RepetitionTime: 2.21766, InversionTime: 1 });
    }
    expect(await db().job.count({ where: { name: 'serving.case' } })).toBe(1);
    const actions = (await db().auditEvent.findMany()).map((e) => e.action).sort();
    expect(actions).toEqual([AUDIT.caseIngest, AUDIT.dicomStudyReceive, AUDIT.dicomStudyReceive].sort());

    // the incomplete study: the missing slice, the duplicate T1 and the unnamed series, each explained
    expect(pending.reason).toBe('no series for T2F; 2 candidates for T1N: assign the series by hand');
    const flair = pending.series.find((s) => s.description === 'Ax T2 FLAIR')!;
    expect(flair.setAsideReason).toMatch(/^1 slice missing: the slice positions jump from .* where the spacing is 1\.20 mm/);
    expect(pending.failed).toHaveLength(SLICES - 1); // the FLAIR's instances: not stored
    expect(pending.series.find((s) => s.description === 'Ax 3D CUBE')).toMatchObject({ role: null, setAsideReason: null });
  });

  it("feeds the DICOM scanner into the metadata drift check, in the check's words", async () => {
    const c = await db().case.findUniqueOrThrow({ where: { id: created.caseId }, include: { volumes: true } });
    const meta = metadataStats(c, c.volumes);
    const ref = {
      metadata: { acquisition: { manufacturers: ['Siemens', 'Philips'], fieldStrengthsT: [1.5] } },
    } as unknown as DriftReference;
    const scanner = acquisitionChecks(meta, ref, DEFAULT_DRIFT_SETTINGS).find((x) => x.kind === 'scanner')!;
    expect(scanner).toMatchObject({ verdict: 'warn', reason: 'GE 3 T; the model saw Siemens and Philips 1.5 T' });
  });

  it('answers a study sent again as unchanged and stores nothing more', async () => {
    const before = { studies: await db().dicomStudy.count(), cases: await db().case.count(), blobs: listBlobFiles(blobRoot.root!).length };
    const r = await ingestDicomFiles(SYSTEM, complete, { source: 'stow' });
    expect(r.studies[0]).toMatchObject({ status: 'unchanged', caseId: created.caseId });
    expect({ studies: await db().dicomStudy.count(), cases: await db().case.count(), blobs: listBlobFiles(blobRoot.root!).length }).toEqual(
      before,
    );
  });

  it('lets a person assign the waiting study by hand, audited', async () => {
    const [study] = await listPendingStudies(radiologist);
    const pick = (d: string) => study.series.find((s) => s.description === d)!.id;
    const assignment = {
      studyId: study.id,
      T1N: pick('Ax T1 MPRAGE'),
      T1C: pick('Ax T1 POST GD MPRAGE'),
      T2W: pick('Ax T2 FSE'),
      T2F: pick('Ax 3D CUBE'),
    };
    await expect(assignStudySeries(radiologist, { ...assignment, T2F: pick('Ax T2 FLAIR') })).rejects.toThrow(
      /T2F: series 7 has no converted volume \(1 slice missing/,
    );
    await expect(assignStudySeries(radiologist, { ...assignment, T2F: assignment.T2W })).rejects.toThrow(/different series/);
    const r = await assignStudySeries(radiologist, assignment);
    const c = await db().case.findUniqueOrThrow({ where: { id: r.caseId }, include: { volumes: true } });
    expect(c.volumes.map((v) => [v.modality, v.dicomSeriesId]).sort()).toEqual(
      Object.entries(assignment)
        .filter(([k]) => k !== 'studyId')
        .sort(),
    );
    const event = await db().auditEvent.findFirstOrThrow({ where: { action: AUDIT.dicomStudyDecide } });
    expect(event).toMatchObject({ actorId: radiologist.kind === 'user' ? radiologist.id : '', entityId: study.id });
    expect(await listPendingStudies(radiologist)).toEqual([]);
    await expect(assignStudySeries(radiologist, assignment)).rejects.toThrow(/already been decided/);
  });

  it('keeps the source references for DICOM SEG, encrypted, and readable back', async () => {
    const refs = await readCaseSourceReferences(created.caseId);
    const t1n = refs.T1N!;
    expect(t1n.studyInstanceUid).toBe(created.studyInstanceUid);
    expect(t1n.patientStudy).toMatchObject({ PatientID: KNOWN_IDENTIFIERS.PatientID, AccessionNumber: KNOWN_IDENTIFIERS.AccessionNumber });
    expect(t1n.instances).toHaveLength(SLICES);
    expect(t1n.instances[0].imagePositionPatient).toHaveLength(3);
  });

  it('stores no identifier in clear: every row of every table and every blob is searched', async () => {
    const header = dicomParser.parseDicom(new Uint8Array(fs.readFileSync(complete[0])), { untilTag: 'x7fe00010' });
    const secrets = [
      ...KNOWN_IDENTIFIERS.PatientName.split('^'),
      KNOWN_IDENTIFIERS.PatientID,
      KNOWN_IDENTIFIERS.PatientBirthDate,
      KNOWN_IDENTIFIERS.AccessionNumber,
      KNOWN_IDENTIFIERS.ReferringPhysicianName.split('^')[0],
      KNOWN_IDENTIFIERS.InstitutionName,
      header.string('x0020000d')!, // StudyInstanceUID
      header.string('x0020000e')!, // SeriesInstanceUID
      header.string('x00080018')!, // SOPInstanceUID
      '0000000000orange', // DeviceSerialNumber
    ];
    const text = await dumpAllTables();
    expect(text.length).toBeGreaterThan(10_000);
    for (const s of secrets) expect([s, text.includes(s)]).toEqual([s, false]);
    const blobFiles = listBlobFiles(blobRoot.root!);
    expect(blobFiles.length).toBeGreaterThanOrEqual(1); // the fixtures share the GE pixels: one content-addressed blob
    for (const f of blobFiles) {
      const raw = fs.readFileSync(f);
      const plain = raw[0] === 0x1f && raw[1] === 0x8b ? zlib.gunzipSync(raw) : raw;
      for (const s of secrets) expect([path.basename(f), s, plain.includes(s) || raw.includes(s)]).toEqual([path.basename(f), s, false]);
    }
    // and the source files did carry them
    expect(fs.readFileSync(complete[0]).includes(KNOWN_IDENTIFIERS.PatientID)).toBe(true);
    expect(geFiles()).toHaveLength(130);
  });
});

/** Every table of the test database as text (works on SQLite and PostgreSQL). */
async function dumpAllTables(): Promise<string> {
  const tables: { name: string }[] = isPostgres()
    ? await db().$queryRawUnsafe(`SELECT tablename AS name FROM pg_tables WHERE schemaname = current_schema()`)
    : await db().$queryRawUnsafe(`SELECT name FROM sqlite_master WHERE type = 'table'`);
  let out = '';
  for (const { name } of tables) {
    const rows: unknown[] = await db().$queryRawUnsafe(`SELECT * FROM "${name}"`);
    out += `${name}\n${JSON.stringify(rows, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}\n`;
  }
  return out;
}
