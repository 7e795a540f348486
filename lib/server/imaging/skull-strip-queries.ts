import 'server-only';
import { db } from '../db';
import { currentProduction } from '../registry/stage';
import { parseModelCard } from '@/lib/schemas/model-card';
import { skullStripStep, strippedBy } from './skull-strip';
import { ALREADY_STRIPPED_NOTE } from './already-stripped';
import { CASE_MODALITIES } from './validate';

export interface SkullStripSummary {
  /** the configured step's tool, null when none is configured */
  configured: string | null;
  /** per sequence: the tool its stored volume went through (null when none), or that it arrived already stripped */
  volumes: { modality: string; strippedBy: string | null; arrivedStripped: boolean }[];
  /** the production model, when its card requires skull-stripped input */
  requiredBy: string | null;
}

/** How the case's sequences were skull-stripped, and whether the production model needs them to be (case page). */
export async function caseSkullStripping(caseId: string): Promise<SkullStripSummary> {
  const [volumes, production] = await Promise.all([
    db().volume.findMany({ where: { caseId }, select: { modality: true, warnings: true } }),
    currentProduction(),
  ]);
  let requiredBy: string | null = null;
  if (production) {
    try {
      const card = parseModelCard(production.card);
      if (card.preprocessing.skullStripping === 'required') requiredBy = `${production.name} ${production.version}`;
    } catch {
      // a card that does not parse is the registry page's problem; the case page shows what it can
    }
  }
  return {
    configured: skullStripStep()?.name ?? null,
    // the sequences in the product's order (an enum sorts by declaration on PostgreSQL but by text on SQLite)
    volumes: volumes
      .map((v) => ({ modality: v.modality, by: strippedBy(v.warnings) }))
      .map(({ modality, by }) => ({
        modality,
        strippedBy: by === ALREADY_STRIPPED_NOTE ? null : by,
        arrivedStripped: by === ALREADY_STRIPPED_NOTE,
      }))
      .sort((a, b) => CASE_MODALITIES.indexOf(a.modality as never) - CASE_MODALITIES.indexOf(b.modality as never)),
    requiredBy,
  };
}
