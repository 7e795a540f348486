import 'server-only';
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { blobs } from '../blobs';
import { blobKeyForSha256 } from '../storage';

/**
 * The immutable content of a dataset snapshot: which case, with which approved label version, which file bytes
 * (by sha256) and in which split. Its sha256 is taken over the canonical JSON (sorted keys, no whitespace), and the
 * manifest blob holds exactly those bytes, so the snapshot's hash is also its blob's address. Names and timestamps
 * are not part of it: the same content is the same snapshot.
 */
export const SNAPSHOT_SCHEMA = 'tumorwatch.snapshot/1';
export const CHANNELS = ['T1N', 'T1C', 'T2W', 'T2F'] as const;
export type Channel = (typeof CHANNELS)[number];
/** Stored label masks use the product convention (1 NCR, 2 ED, 3 ET): BraTS 2023 numbering, an identity map. */
export const SNAPSHOT_LABEL_MAP = 'brats2023';

const sha = z.string().regex(/^[0-9a-f]{64}$/);
const caseSchema = z.object({
  caseId: z.string().min(1),
  externalId: z.string().min(1),
  site: z.string().nullable(),
  split: z.string().min(1),
  labelVersionId: z.string().min(1),
  label: sha,
  images: z.object({ T1N: sha, T1C: sha, T2W: sha, T2F: sha }),
});
export const snapshotManifestSchema = z.object({
  schema: z.literal(SNAPSHOT_SCHEMA),
  labelMap: z.literal(SNAPSHOT_LABEL_MAP),
  cases: z.array(caseSchema),
});
export type SnapshotCase = z.infer<typeof caseSchema>;
export type SnapshotManifest = z.infer<typeof snapshotManifestSchema>;

/** JSON with object keys sorted at every level and no whitespace: one byte sequence per value. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
    entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export function buildManifest(cases: SnapshotCase[]): { manifest: SnapshotManifest; bytes: Uint8Array; sha256: string } {
  const sorted = [...cases].sort((a, b) => (a.externalId < b.externalId ? -1 : a.externalId > b.externalId ? 1 : 0));
  const manifest: SnapshotManifest = { schema: SNAPSHOT_SCHEMA, labelMap: SNAPSHOT_LABEL_MAP, cases: sorted };
  const bytes = new TextEncoder().encode(canonicalJson(manifest));
  return { manifest, bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}

/** Reads a snapshot's manifest blob back and checks it is the one its hash names. */
export async function readManifest(manifestBlobKey: string, expectedSha256: string): Promise<SnapshotManifest> {
  const bytes = await blobs().get(manifestBlobKey);
  const actual = createHash('sha256').update(bytes).digest('hex');
  if (actual !== expectedSha256) throw new Error(`snapshot manifest ${manifestBlobKey} hashes to ${actual}, expected ${expectedSha256}`);
  return snapshotManifestSchema.parse(JSON.parse(new TextDecoder().decode(bytes)));
}

export const fileKey = (sha256: string) => blobKeyForSha256(sha256);
