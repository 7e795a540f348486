/**
 * Monitoring split by the DICOM acquisition stored per volume: scanner model, field strength, software version and
 * the T1C protocol (TR/TE). A population from two scanners splits into two series; the old keys still work.
 */
import { describe, expect, it } from 'vitest';
import { useTestDb } from '../support/use-db';
import { db } from '@/lib/server/db';
import { getMonitoringDashboard } from '@/lib/server/drift/monitoring';
import { acquisitionSegments } from '@/lib/server/drift/monitoring/acquisition';
import { MONITORING_SPLITS } from '@/lib/monitoring-splits';
import { createDriftReport, createModelVersion, createPrediction } from './db-fixtures';

useTestDb();

/** Sidecar fields as filterSidecar stores them (BIDS units: seconds, tesla). */
const GE = {
  Manufacturer: 'GE',
  ManufacturersModelName: 'SIGNA Pioneer',
  MagneticFieldStrength: 3,
  SoftwareVersions: '29.1',
  MRAcquisitionType: '3D',
  RepetitionTime: 0.00748,
  EchoTime: 0.00305,
  InversionTime: 0.45,
};
const PHILIPS = {
  Manufacturer: 'Philips',
  ManufacturersModelName: 'Ingenia',
  MagneticFieldStrength: 1.5,
  SoftwareVersions: '5.4.1',
  MRAcquisitionType: '2D',
  RepetitionTime: 0.55,
  EchoTime: 0.01,
};
const noScanner = { scannerManufacturer: null, scannerModel: null, fieldStrength: null };

describe('acquisition segments', () => {
  it('name the scanner model, field, software and T1C protocol, TR/TE to two significant figures', () => {
    expect(acquisitionSegments(GE, noScanner)).toEqual({
      model: 'GE SIGNA Pioneer',
      field: '3 T',
      software: 'GE 29.1',
      protocol: '3D, TR 7.5 ms, TE 3.1 ms, TI 450 ms',
    });
    // a protocol adjusted slightly on another scanner (TR 552 ms, TE 9.8 ms) stays in the same segment
    expect(acquisitionSegments({ ...PHILIPS, RepetitionTime: 0.552, EchoTime: 0.0098 }, noScanner).protocol).toBe(
      '2D, TR 550 ms, TE 9.8 ms',
    );
    expect(acquisitionSegments(PHILIPS, noScanner).protocol).toBe('2D, TR 550 ms, TE 10 ms');
    expect(acquisitionSegments({ MagneticFieldStrength: 2.89362 }, noScanner).field).toBe('2.9 T');
  });

  it('fall back to the case scanner columns (NIfTI metadata), else say unknown', () => {
    const nifti = { scannerManufacturer: 'Siemens', scannerModel: 'Skyra', fieldStrength: 3 };
    expect(acquisitionSegments(null, nifti)).toEqual({
      model: 'Siemens Skyra',
      field: '3 T',
      software: 'unknown software version',
      protocol: 'unknown protocol',
    });
    expect(acquisitionSegments('not an object', noScanner)).toEqual({
      model: 'unknown scanner model',
      field: 'unknown field strength',
      software: 'unknown software version',
      protocol: 'unknown protocol',
    });
  });
});

let seq = 0;
/** A production case whose T1C volume carries `acquisition` (the other sequences carry none: only T1C is read). */
async function dicomCase(acquisition: object | null, site: string) {
  const n = ++seq;
  const volume = (modality: 'T1N' | 'T1C' | 'T2W' | 'T2F') => ({
    modality,
    blobKey: `vol-${n}-${modality}`,
    sha256: 'c'.repeat(64),
    sizeBytes: 1,
    dims: [8, 8, 8],
    spacing: [1, 1, 1],
    affine: [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1],
    datatype: 'float32',
    orientation: 'RAS',
    acquisition: modality === 'T1C' && acquisition ? acquisition : undefined,
  });
  return db().case.create({
    data: { externalId: `DICOM-${n}`, site, volumes: { create: (['T1N', 'T1C', 'T2W', 'T2F'] as const).map(volume) } },
  });
}

describe('monitoring dashboard split by acquisition', () => {
  it('splits a population from two scanners into two series under every acquisition key', async () => {
    const mv = await createModelVersion();
    for (let i = 0; i < 24; i++) {
      const philips = i % 3 === 0; // 8 Philips cases among 16 GE cases, interleaved in time, all at one site
      const c = await dicomCase(philips ? PHILIPS : GE, 'site-0a1b2c3d');
      const p = await createPrediction(c.id, mv.id);
      await createDriftReport(c.id, p.id, philips ? 2 : 0.3, { createdAt: new Date(Date.UTC(2026, 0, 5, i)) });
    }
    const segmentsOf = async (split: (typeof MONITORING_SPLITS)[number]) => {
      const d = (await getMonitoringDashboard({ window: 'cases', split, overlays: [] }))!;
      const rate = d.rates.filter((p) => p.series === 'drifter rate');
      return Object.fromEntries(
        [...new Set(rate.map((p) => p.segment))].map((s) => [s, rate.filter((p) => p.segment === s).map((p) => p.value)]),
      );
    };
    // 24 cases in one window (25 per window by default); each scanner its own series with its own drifter rate
    expect(await segmentsOf('model')).toEqual({ 'all cases': [8 / 24], 'GE SIGNA Pioneer': [0], 'Philips Ingenia': [1] });
    expect(await segmentsOf('field')).toEqual({ 'all cases': [8 / 24], '3 T': [0], '1.5 T': [1] });
    expect(await segmentsOf('software')).toEqual({ 'all cases': [8 / 24], 'GE 29.1': [0], 'Philips 5.4.1': [1] });
    expect(await segmentsOf('protocol')).toEqual({
      'all cases': [8 / 24],
      '3D, TR 7.5 ms, TE 3.1 ms, TI 450 ms': [0],
      '2D, TR 550 ms, TE 10 ms': [1],
    });
    // the existing keys keep working: one site, and the scanner columns (unset on these rows) read "unknown scanner"
    expect(Object.keys(await segmentsOf('site'))).toEqual(['all cases', 'site-0a1b2c3d']);
    expect(Object.keys(await segmentsOf('scanner'))).toEqual(['all cases', 'unknown scanner']);
    expect(Object.keys(await segmentsOf('none'))).toEqual(['all cases']);
  });

  it('puts a case without acquisition fields in the "unknown" segment rather than dropping it', async () => {
    const mv = await createModelVersion();
    const c = await dicomCase(null, 'site-x');
    const p = await createPrediction(c.id, mv.id);
    await createDriftReport(c.id, p.id, 0.3, { createdAt: new Date(Date.UTC(2026, 1, 1)) });
    const d = (await getMonitoringDashboard({ window: 'cases', split: 'protocol', overlays: [] }))!;
    expect(d.rates.filter((r) => r.series === 'drifter rate').map((r) => r.segment)).toContain('unknown protocol');
  });
});
