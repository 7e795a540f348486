import path from 'node:path';
import madge from 'madge';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * The import graph of the application code (app/, lib/, worker/, components/, scripts/), built by madge from the
 * TypeScript sources with tsconfig.json's paths (the `@/` alias) and relative imports resolved to files. `import
 * type` edges are included: a cycle through types alone still ties two modules together (neither can move or be
 * read without the other), and the cycles this test was written against were type-only on one side. Dynamic
 * `import()` edges are included too. The generated Prisma client (lib/server/db/generated, not ours) is left out.
 * The same graph checks the layering: nothing under lib/ imports from components/ or app/.
 */
const root = path.resolve(__dirname, '../..');
const SOURCE_DIRS = ['app', 'lib', 'worker', 'components', 'scripts'];

/**
 * Cycles tolerated for now, each as its files in the order madge reports them, with the reason and the plan. Empty:
 * add one only with a comment saying why breaking it is larger than the change at hand.
 */
const ALLOWED_CYCLES: string[][] = [];

let graph: Record<string, string[]>;
let cycles: string[][];
let skipped: string[];

beforeAll(async () => {
  const res = await madge(
    SOURCE_DIRS.map((d) => path.join(root, d)),
    {
      baseDir: root,
      fileExtensions: ['ts', 'tsx'],
      tsConfig: path.join(root, 'tsconfig.json'),
      excludeRegExp: [/(^|\/)lib\/server\/db\/generated\//],
    },
  );
  graph = res.obj();
  cycles = res.circular();
  skipped = res.warnings().skipped;
}, 180_000);

describe('import graph', () => {
  it('is really built: relative and @/ imports resolve to files', () => {
    const files = Object.keys(graph);
    for (const dir of SOURCE_DIRS)
      expect(
        files.some((f) => f.startsWith(`${dir}/`)),
        dir,
      ).toBe(true);
    // app/ reaches lib/ only through the @/ alias: an unresolved alias would silently empty the graph of those edges.
    expect(files.some((f) => f.startsWith('app/') && graph[f].some((d) => d.startsWith('lib/')))).toBe(true);
    // Anything local madge could not resolve is an edge the cycle check would miss (the generated client is left out
    // on purpose, and absent before `npm run db:generate`).
    const local = skipped.filter((s) => /^(\.|@\/|\/)/.test(s) && !/(^|\/)generated\//.test(s));
    expect(local).toEqual([]);
  });

  it('keeps lib/ under the UI: no file under lib/ imports from components/ or app/', () => {
    // lib/ is the shared and server code the UI builds on; vocabularies both need (lib/flags.ts) live in lib/.
    const upward = Object.entries(graph).flatMap(([file, deps]) =>
      file.startsWith('lib/') ? deps.filter((d) => /^(components|app)\//.test(d)).map((d) => `${file} -> ${d}`) : [],
    );
    expect(upward, `lib/ imports from the UI:\n${upward.join('\n')}`).toEqual([]);
  });

  it('has no import cycles outside the allow-list', () => {
    const key = (c: string[]) => c.join(' -> ');
    const allowed = new Set(ALLOWED_CYCLES.map(key));
    const found = cycles.filter((c) => !allowed.has(key(c))).map(key);
    expect(found, `import cycles (break them by moving what both sides share):\n${found.join('\n')}`).toEqual([]);
  });
});
