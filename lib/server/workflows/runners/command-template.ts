import 'server-only';
import { AppError } from '../../errors';

/**
 * The COMMAND runner's argv template (TRAINING_COMMAND, a JSON array). Placeholders are replaced inside each argument
 * and the result is spawned without a shell, so nothing a run carries (a model name, a path) is ever parsed as shell
 * syntax. An argument made only of an optional placeholder with no value (no parent when training from scratch, no
 * epochs asked for) is dropped together with the `--flag` right before it, so "--parent", "{parent}" needs no shell
 * conditional.
 */
export const REQUIRED_PLACEHOLDERS = ['snapshot', 'format', 'out', 'name', 'version', 'snapshot_id', 'run_id', 'config'] as const;
export const OPTIONAL_PLACEHOLDERS = ['parent', 'epochs', 'steps_per_epoch', 'seed', 'threads'] as const;
export type Placeholder = (typeof REQUIRED_PLACEHOLDERS)[number] | (typeof OPTIONAL_PLACEHOLDERS)[number];
export type PlaceholderValues = Record<(typeof REQUIRED_PLACEHOLDERS)[number], string> &
  Partial<Record<(typeof OPTIONAL_PLACEHOLDERS)[number], string | null>>;

const KNOWN = new Set<string>([...REQUIRED_PLACEHOLDERS, ...OPTIONAL_PLACEHOLDERS]);
const PATTERN = /\{([a-z_]+)\}/g;

/** Parses TRAINING_COMMAND; an unknown placeholder is refused by name (a typo would otherwise reach the command). */
export function parseCommandTemplate(text: string): string[] {
  let argv: unknown;
  try {
    argv = JSON.parse(text);
  } catch {
    throw new AppError('INVALID_INPUT', 'TRAINING_COMMAND is not JSON: write the argv as a JSON array of strings.');
  }
  if (!Array.isArray(argv) || argv.length === 0 || argv.some((a) => typeof a !== 'string') || argv[0] === '')
    throw new AppError('INVALID_INPUT', 'TRAINING_COMMAND must be a JSON array of strings whose first entry is the program.');
  for (const arg of argv as string[])
    for (const [, name] of arg.matchAll(PATTERN))
      if (!KNOWN.has(name))
        throw new AppError('INVALID_INPUT', `TRAINING_COMMAND uses an unknown placeholder {${name}} (known: ${[...KNOWN].join(', ')}).`);
  if ((argv as string[]).every((a) => !a.includes('{out}')))
    throw new AppError('INVALID_INPUT', 'TRAINING_COMMAND never passes {out}: the command would not know where to write the model.');
  return argv as string[];
}

const isOptionalAlone = (arg: string) =>
  /^\{([a-z_]+)\}$/.test(arg) && (OPTIONAL_PLACEHOLDERS as readonly string[]).includes(arg.slice(1, -1));
const isFlag = (arg: string) => arg.startsWith('-') && !arg.includes('{');

/** The argv for one run. */
export function expandCommand(template: string[], values: PlaceholderValues): string[] {
  const value = (name: string): string | null => (values as Record<string, string | null | undefined>)[name] ?? null;
  const out: string[] = [];
  for (const [i, arg] of template.entries()) {
    if (isOptionalAlone(arg) && value(arg.slice(1, -1)) === null) {
      if (i > 0 && isFlag(template[i - 1]) && out.length && out[out.length - 1] === template[i - 1]) out.pop();
      continue;
    }
    out.push(
      arg.replace(PATTERN, (_, name: string) => {
        const v = value(name);
        if (v === null)
          throw new AppError('INVALID_INPUT', `TRAINING_COMMAND argument "${arg}" needs {${name}}, which this run does not have.`);
        return v;
      }),
    );
  }
  return out;
}
