import 'server-only';
import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import { env } from '../env';
import { AppError } from '../errors';

/**
 * What of a DICOM study may be stored, and how.
 * - Identifiers (patient, study, series, institution) become keyed pseudonyms: HMAC-SHA256 under PSEUDONYM_KEY, so the
 *   same patient or study sent twice gets the same pseudonym while nobody without the key can recompute one from a
 *   guessed name or ID (a plain hash of a patient ID can be brute-forced from the ID format).
 * - The sidecar keeps only allow-listed acquisition fields: a deny-list would let through whatever identifying field
 *   dcm2niix adds next (it already writes PatientName, PatientID, StationName, DeviceSerialNumber without -ba y).
 * - The references DICOM SEG export needs to sit in the source study (UIDs, frame geometry, the patient and study
 *   modules) are identifying by nature; they are stored encrypted (AES-256-GCM under DICOM_REFS_KEY, a random 96-bit
 *   nonce per record) and read back only by `readSourceReferences`.
 */

export type PseudonymKind = 'patient' | 'study' | 'series' | 'site';

const DEV_PSEUDONYM_KEY = 'tumorwatch-development-pseudonym-key';
const DEV_REFS_KEY = '00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff';

/**
 * The keys, each refused in production while it is the public development default (or too short to be random).
 * Checked when DICOM is handled rather than at start-up, so that a deployment without DICOM needs no keys.
 */
function pseudonymKey(): string {
  const e = env();
  if (e.NODE_ENV === 'production' && (e.PSEUDONYM_KEY === DEV_PSEUDONYM_KEY || e.PSEUDONYM_KEY.length < 32))
    throw new AppError('UNAVAILABLE', 'DICOM is disabled: set PSEUDONYM_KEY to at least 32 random characters (openssl rand -hex 32).');
  return e.PSEUDONYM_KEY;
}

function refsKey(): Buffer {
  const e = env();
  if (e.NODE_ENV === 'production' && e.DICOM_REFS_KEY.toLowerCase() === DEV_REFS_KEY)
    throw new AppError('UNAVAILABLE', 'DICOM is disabled: set DICOM_REFS_KEY to 64 random hex characters (openssl rand -hex 32).');
  return Buffer.from(e.DICOM_REFS_KEY, 'hex');
}

/** Both keys usable (for callers that should refuse before receiving anything). */
export function assertDicomKeys(): void {
  pseudonymKey();
  refsKey();
}

/** A keyed pseudonym: the kind is part of the message, so a patient ID and a study UID never collide. */
export function pseudonym(kind: PseudonymKind, value: string): string {
  return createHmac('sha256', pseudonymKey()).update(`${kind}\0${value.trim()}`).digest('hex');
}

/** The case's external id for a DICOM study: readable prefix, 16 hex digits (64 bits) of the study's pseudonym. */
export function caseExternalId(studyUid: string): string {
  return `DICOM-${pseudonym('study', studyUid).slice(0, 16)}`;
}

/** A site key for drift and monitoring, from the InstitutionName: stable per institution, not the name itself. */
export function siteKey(institution: string | undefined | null): string | null {
  return institution && institution.trim() ? `site-${pseudonym('site', institution.toLowerCase()).slice(0, 8)}` : null;
}

/** Sidecar fields that describe the acquisition and are kept; everything else is dropped. */
export const SIDECAR_ALLOW_LIST = [
  'Modality',
  'Manufacturer',
  'ManufacturersModelName',
  'MagneticFieldStrength',
  'SoftwareVersions',
  'MRAcquisitionType',
  'SeriesDescription',
  'ProtocolName',
  'ScanningSequence',
  'SequenceVariant',
  'SequenceName',
  'ScanOptions',
  'ImageType',
  'RepetitionTime',
  'EchoTime',
  'InversionTime',
  'FlipAngle',
  'SliceThickness',
  'SpacingBetweenSlices',
  'ContrastBolusAgent',
  'BodyPartExamined',
  'PixelBandwidth',
  'ParallelReductionFactorInPlane',
] as const;

export type Acquisition = Partial<Record<(typeof SIDECAR_ALLOW_LIST)[number], string | number | string[]>> & {
  /** pseudonymised InstitutionName (the name itself identifies a hospital and, with a date, narrows to patients) */
  SiteKey?: string;
};

/** The allow-listed, type-checked subset of a dcm2niix sidecar. */
export function filterSidecar(sidecar: Record<string, unknown>): Acquisition {
  const out: Record<string, unknown> = {};
  for (const key of SIDECAR_ALLOW_LIST) {
    const v = sidecar[key];
    if (typeof v === 'number' && Number.isFinite(v)) out[key] = v;
    else if (typeof v === 'string' && v.length <= 256) out[key] = v;
    else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) out[key] = v.slice(0, 16);
  }
  const site = siteKey(typeof sidecar.InstitutionName === 'string' ? sidecar.InstitutionName : null);
  if (site) out.SiteKey = site;
  return out as Acquisition;
}

const ALGORITHM = 'aes-256-gcm';

/** `v1.<nonce>.<tag>.<ciphertext>` in base64url: versioned so that a key rotation can tell old records apart. */
export function encryptJson(value: unknown): string {
  const key = refsKey();
  const nonce = randomBytes(12);
  const cipher = createCipheriv(ALGORITHM, key, nonce);
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return ['v1', nonce, cipher.getAuthTag(), body].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
}

/** Throws when the record was altered or encrypted under another key (GCM authenticates). */
export function decryptJson<T>(record: string): T {
  const [version, nonce, tag, body] = record.split('.');
  if (version !== 'v1' || !nonce || !tag || body === undefined) throw new Error('encrypted record: unknown format');
  const decipher = createDecipheriv(ALGORITHM, refsKey(), Buffer.from(nonce, 'base64url'));
  decipher.setAuthTag(Buffer.from(tag, 'base64url'));
  const text = Buffer.concat([decipher.update(Buffer.from(body, 'base64url')), decipher.final()]).toString('utf8');
  return JSON.parse(text) as T;
}
