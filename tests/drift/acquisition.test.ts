/**
 * The DICOM acquisition checks, on the real sidecars in ../shared/data/dicom (dcm2niix's, filtered by ingestion's
 * allow-list): per sequence TR/TE/TI and slice thickness against the reference's ranges, scanner model, software
 * version and contrast agent against those it saw, each with a readable reason; a field the reference does not
 * record is "not checked", never an alarm; a card 1 and a NIfTI-uploaded case behave as before.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { modelCardV1Schema, upgradeCard } from '@/lib/schemas/model-card';
import { filterSidecar } from '@/lib/server/dicom/privacy';
import { caseAcquisition, sequenceAcquisition } from '@/lib/server/drift/acquisition';
import { dicomAcquisitionChecks } from '@/lib/server/drift/checks/acquisition';
import { evaluateCase } from '@/lib/server/drift/checks';
import { driftReferenceFromCard } from '@/lib/server/drift/reference';
import { parseDriftSettings } from '@/lib/server/drift/settings';
import { acquisitionReference } from '@/lib/server/registry/calibration/acquisition';
import type { AcquisitionExpectation, CaseMetadataStats, CheckResult, Modality } from '@/lib/server/drift/types';
import { fixtureCard } from './card-fixture';

const SHARED = path.resolve(__dirname, '../../../shared/data/dicom');
const sidecar = (dir: string) =>
  JSON.parse(fs.readFileSync(path.join(SHARED, dir, 'dcm2niix-reference.json'), 'utf8')) as Record<string, unknown>;
const GE = filterSidecar(sidecar('ge-3d-t1-mprage'));
const SIEMENS = filterSidecar(sidecar('siemens-xa10-enhanced'));

const settings = parseDriftSettings({});
const meta = (volumes: { modality: Modality; acquisition: unknown }[]): CaseMetadataStats => ({
  ...{ modalities: volumes.map((v) => v.modality), dims: null, spacingMm: null, orientation: null, datatype: null },
  ...{ site: null, manufacturer: null, fieldStrengthT: null, acquisition: caseAcquisition(volumes) },
});
/** A card 2 whose reference records `acquisition` (as a trainer or model:calibrate writes it). */
function cardWith(acquisition: unknown) {
  const card = upgradeCard(modelCardV1Schema.parse(fixtureCard())) as unknown as { reference: { imageMetadata: Record<string, unknown> } };
  card.reference.imageMetadata.acquisition = acquisition;
  return driftReferenceFromCard(card);
}
const byKind = (checks: CheckResult[], kind: string) => checks.find((c) => c.kind === kind);

describe('a volume’s acquisition, from its stored sidecar', () => {
  it('is read in ms and mm from the real GE sidecar, with scanner model and software version', () => {
    expect(sequenceAcquisition(GE)).toEqual({
      ...{ repetitionTimeMs: 2217.66, echoTimeMs: 3.172, inversionTimeMs: 1000, sliceThicknessMm: 1.2 },
      ...{ scannerModels: 'SIGNA Pioneer', softwareVersions: '28\\LX\\MR29.1_EA_2039.g' },
    });
    expect(sequenceAcquisition(SIEMENS)).toMatchObject({ repetitionTimeMs: 500, echoTimeMs: 30, scannerModels: 'MAGNETOM Vida' });
    expect(sequenceAcquisition(null)).toEqual({});
  });
});

describe('the acquisition checks', () => {
  const reference: AcquisitionExpectation = {
    scannerModels: ['SIGNA Pioneer', 'SIGNA Premier'],
    softwareVersions: ['28\\LX\\MR29.1_EA_2039.g'],
    contrastAgents: ['Dotarem', 'Magnevist'],
    sequences: {
      T1N: { echoTimeMs: [2.8, 4.1], repetitionTimeMs: [2000, 2400] },
      T1C: { echoTimeMs: [2.8, 4.1], sliceThicknessMm: [1, 1.5] },
    },
  };

  it('pass a case acquired as the model saw, saying which fields were not checked', () => {
    const checks = dicomAcquisitionChecks(meta([{ modality: 'T1N', acquisition: GE }]), cardWith(reference), settings);
    expect(byKind(checks, 'acquisition-T1N')).toMatchObject({
      verdict: 'pass',
      value: 'TR 2218 ms, TE 3.17 ms, TI 1000 ms, slice thickness 1.2 mm',
      reference: "TR 2000-2400 ms; TE 2.8-4.1 ms; not checked: the model's reference records no T1N TI, slice thickness",
    });
    expect(byKind(checks, 'scanner-model')).toMatchObject({ verdict: 'pass', value: 'SIGNA Pioneer' });
    expect(byKind(checks, 'software-version')).toMatchObject({ verdict: 'pass' });
    expect(byKind(checks, 'contrast-agent')).toMatchObject({ verdict: 'info', reference: 'contrast agent not given' });
  });

  it('warn, in one sentence per parameter, on what the model did not see', () => {
    const t1c = { ...GE, EchoTime: 0.0021, ContrastBolusAgent: 'Gadovist' };
    const checks = dicomAcquisitionChecks(
      meta([
        { modality: 'T1C', acquisition: t1c },
        { modality: 'T2W', acquisition: SIEMENS },
      ]),
      cardWith(reference),
      settings,
    );
    expect(byKind(checks, 'acquisition-T1C')).toMatchObject({
      verdict: 'warn',
      reason: 'T1C TE 2.1 ms is outside the 2.8-4.1 ms the model saw',
    });
    expect(byKind(checks, 'contrast-agent')).toMatchObject({
      verdict: 'warn',
      reason: 'contrast agent Gadovist: the model saw Dotarem, Magnevist',
    });
    expect(byKind(checks, 'scanner-model')).toMatchObject({
      verdict: 'warn',
      reason: 'scanner model MAGNETOM Vida: the model saw SIGNA Pioneer, SIGNA Premier',
    });
    expect(byKind(checks, 'software-version')?.reason).toBe('software version syngo MR XA10: the model saw 28\\LX\\MR29.1_EA_2039.g');
    // the reference records nothing for T2W: reported, not alarmed
    expect(byKind(checks, 'acquisition-T2W')).toMatchObject({
      verdict: 'info',
      reference: "not checked: the model's reference records no T2W TR, TE, slice thickness",
    });
    const verdict = evaluateCase(
      { meta: meta([{ modality: 'T1C', acquisition: t1c }]), image: null, output: null },
      cardWith(reference),
      settings,
    );
    expect(verdict.reasons).toContain('T1C TE 2.1 ms is outside the 2.8-4.1 ms the model saw');
  });

  it('report "not checked" for a card 1 and for a reference whose acquisition does not parse, never an alarm', () => {
    for (const ref of [driftReferenceFromCard(fixtureCard()), cardWith({ sequences: { T1C: { echoTimeMs: [4.1, 2.8] } } })]) {
      const checks = dicomAcquisitionChecks(
        meta([{ modality: 'T1C', acquisition: { ...GE, ContrastBolusAgent: 'Gadovist' } }]),
        ref,
        settings,
      );
      expect(checks.map((c) => c.verdict)).toEqual(['info', 'info', 'info', 'info']);
      expect(byKind(checks, 'contrast-agent')?.reference).toBe("not checked: the model's reference records no contrast agents");
    }
  });

  it('are absent for a case that did not arrive as DICOM', () => {
    expect(dicomAcquisitionChecks(meta([{ modality: 'T1N', acquisition: null }]), cardWith(reference), settings)).toEqual([]);
  });

  it('take the drift settings’ expectation for a field the reference does not record', () => {
    const s = parseDriftSettings({ expectedAcquisition: { contrastAgents: ['Dotarem'] } });
    const checks = dicomAcquisitionChecks(
      meta([{ modality: 'T1C', acquisition: { ...GE, ContrastBolusAgent: 'Gadovist' } }]),
      cardWith({}),
      s,
    );
    expect(byKind(checks, 'contrast-agent')?.reason).toBe('contrast agent Gadovist: the model saw Dotarem');
  });
});

describe('a calibration’s acquisition reference', () => {
  it('records ranges per sequence and the values seen, leaving out what no reference case has', () => {
    const a = meta([
      { modality: 'T1N', acquisition: GE },
      { modality: 'T1C', acquisition: { ...GE, EchoTime: 0.0041, ContrastBolusAgent: 'Dotarem' } },
    ]);
    const b = meta([{ modality: 'T1C', acquisition: { ...GE, EchoTime: 0.0028, ContrastBolusAgent: 'Magnevist' } }]);
    const ref = acquisitionReference([{ ...a, site: 'site-0a1b2c3d', manufacturer: 'GE', fieldStrengthT: 3 }, b]);
    expect(ref).toEqual({
      ...{ sites: ['site-0a1b2c3d'], manufacturers: ['GE'], fieldStrengthsT: [3], scannerModels: ['SIGNA Pioneer'] },
      ...{ softwareVersions: ['28\\LX\\MR29.1_EA_2039.g'], contrastAgents: ['Dotarem', 'Magnevist'] },
      sequences: {
        T1N: {
          repetitionTimeMs: [2217.66, 2217.66],
          echoTimeMs: [3.172, 3.172],
          inversionTimeMs: [1000, 1000],
          sliceThicknessMm: [1.2, 1.2],
        },
        T1C: { repetitionTimeMs: [2217.66, 2217.66], echoTimeMs: [2.8, 4.1], inversionTimeMs: [1000, 1000], sliceThicknessMm: [1.2, 1.2] },
      },
    });
    expect(acquisitionReference([meta([{ modality: 'T1N', acquisition: null }])])).toBeUndefined();
  });
});
