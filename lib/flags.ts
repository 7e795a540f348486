/**
 * Flag reasons (the FlagReason enum of prisma/schema.prisma) with the words shown to clinicians. Isomorphic plain
 * data, like lib/labels.ts: the flag form and review filters (client) and the flag service's input schema and the
 * review queue (server) share it, so it lives in lib/, which never imports from components/ or app/.
 */
export const FLAG_REASONS = ['MISSED_LESION', 'FALSE_POSITIVE', 'BOUNDARY', 'WRONG_LABEL', 'OTHER'] as const;
export type FlagReasonName = (typeof FLAG_REASONS)[number];

export const FLAG_REASON_LABELS: Record<FlagReasonName, string> = {
  MISSED_LESION: 'Missed lesion',
  FALSE_POSITIVE: 'False positive',
  BOUNDARY: 'Boundary wrong',
  WRONG_LABEL: 'Wrong subregion label',
  OTHER: 'Other',
};

export const FLAG_NOTE_MAX = 2000;
