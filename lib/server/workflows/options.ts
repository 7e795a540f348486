import 'server-only';
import { env } from '../env';
import { TRAINER_CONFIGS } from './params';
import { presetOfCard, productionModel } from './parent';

export interface StartRunOptionsDto {
  configs: readonly string[];
  runners: { value: string; label: string; available: boolean }[];
  production: { name: string; version: string; preset: string | null } | null;
}

/** What the start-run form offers: presets, runners (GitHub only when configured), the model a fine-tune starts from. */
export async function getStartRunOptions(): Promise<StartRunOptionsDto> {
  const p = await productionModel();
  const github = !!env().GITHUB_REPOSITORY && !!env().GITHUB_TOKEN;
  return {
    configs: TRAINER_CONFIGS,
    runners: [
      { value: 'LOCAL', label: 'Local (this server’s worker)', available: true },
      { value: 'GITHUB_ACTIONS', label: `GitHub Actions${github ? ` (${env().GITHUB_REPOSITORY})` : ''}`, available: github },
    ],
    production: p && { name: p.name, version: p.version, preset: presetOfCard(p.card) },
  };
}
