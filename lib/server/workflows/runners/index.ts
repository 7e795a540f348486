import 'server-only';
import type { Runner } from '../runner';
import type { RunnerKindName } from '../params';
import { localRunner } from './local';
import { githubRunner } from './github';
import { commandRunner } from './command';

/** One entry per RunnerKind; a new runner is one file and one line here (plus its enum value in the schema). */
export const RUNNERS: Record<RunnerKindName, Runner> = {
  LOCAL: localRunner,
  GITHUB_ACTIONS: githubRunner,
  COMMAND: commandRunner,
};

export function runnerFor(kind: string): Runner {
  const r = (RUNNERS as Record<string, Runner>)[kind];
  if (!r) throw new Error(`no runner for ${kind}`);
  return r;
}
