import 'server-only';
import { env } from '../env';
import { TRAINER_CONFIGS } from './params';
import { presetOfCard, productionModel } from './parent';
import { commandTemplate } from './runners/command';

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
      commandOption(),
    ],
    production: p && { name: p.name, version: p.version, preset: presetOfCard(p.card) },
  };
}

/** The configured training command, named by its program (TRAINING_COMMAND); unavailable when unset or invalid. */
function commandOption(): StartRunOptionsDto['runners'][number] {
  try {
    const argv = commandTemplate();
    return { value: 'COMMAND', label: `Training command (${argv[0].split('/').pop()}, ${env().TRAINING_COMMAND_FORMAT})`, available: true };
  } catch {
    return { value: 'COMMAND', label: 'Training command', available: false };
  }
}
