import { z } from 'zod';

/** Pseudonymised identifiers only: letters, digits, dot, dash, underscore (no names, no dates of birth). */
export const externalIdSchema = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, 'Case id must be 1-64 letters, digits, ".", "-" or "_" (a pseudonymised id)');

export const caseMetadataSchema = z
  .object({
    caseId: externalIdSchema,
    site: z.string().trim().max(100).optional(),
    scannerManufacturer: z.string().trim().max(100).optional(),
    scannerModel: z.string().trim().max(100).optional(),
    fieldStrength: z.coerce.number().min(0.1).max(12).optional(),
    acquisitionDate: z.iso.date().optional(),
    patientPseudonym: z
      .string()
      .trim()
      .max(64)
      .regex(/^[A-Za-z0-9._-]*$/, 'pseudonym: letters, digits, ".", "-", "_"')
      .optional(),
    /** Label convention of the optional reference mask (lib/labels.ts); BraTS 2020 masks use 4 for ET. */
    maskLabelMap: z.enum(['brats2023', 'brats2020', 'brats2024']).default('brats2023'),
  })
  .strict();

export type CaseMetadata = z.infer<typeof caseMetadataSchema>;

export const MODALITY_FIELDS = { t1n: 'T1N', t1c: 'T1C', t2w: 'T2W', t2f: 'T2F' } as const;
export const MASK_FIELD = 'mask';
