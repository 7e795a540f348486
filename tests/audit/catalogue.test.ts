import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { AUDIT, AUDIT_ACTIONS } from '@/lib/server/audit/catalogue';

/**
 * The catalogue (lib/server/audit/) is the only place an audit action is spelled out: everything else names it through
 * `AUDIT`, so a rename or a typo is a type error instead of a query that silently matches nothing. This file is the
 * one exception (it has to spell the scanner's own examples).
 */
const ROOT = path.resolve(import.meta.dirname, '../..');
const PRODUCT_DIRS = ['app', 'lib', 'components', 'worker', 'scripts', 'prisma', 'bench'];
const SCANNED_DIRS = [...PRODUCT_DIRS, 'tests', 'e2e'];
const SOURCE = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const SKIPPED_DIRS = new Set(['node_modules', '.next', 'generated']);
const CATALOGUE_DIR = 'lib/server/audit/';
const THIS_FILE = 'tests/audit/catalogue.test.ts';

/**
 * TEMPORARY: files of the schema-evolution work in progress (shadow agreements and serving failures moving into their
 * own tables), converted to `AUDIT` by that work. Remove each entry as its file is converted; the last test below fails
 * while an entry names a file that no longer spells any action.
 */
const PENDING: string[] = [];

/** The same string meaning something other than an audit action. */
const NOT_AUDIT: { file: string; literal: string; why: string }[] = [
  { file: 'lib/server/jobs/system.ts', literal: 'system.ping', why: 'the name of the job whose handler writes the audit event' },
];

const ACTIONS = new Set<string>(AUDIT_ACTIONS);

function sourceFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs.readdirSync(abs, { withFileTypes: true }).flatMap((e) => {
    const rel = path.posix.join(dir, e.name);
    if (e.isDirectory()) return SKIPPED_DIRS.has(e.name) ? [] : sourceFiles(rel);
    return SOURCE.test(e.name) ? [rel] : [];
  });
}

/** Comment lines may name an action in prose; only code counts. */
function isComment(line: string): boolean {
  const t = line.trimStart();
  return t.startsWith('//') || t.startsWith('*') || t.startsWith('/*');
}

/** Quoted or backtick literals on a line whose whole text is a catalogue action. */
function actionLiterals(line: string): string[] {
  if (isComment(line)) return [];
  return [...line.matchAll(/(['"`])([^'"`\\\n]*)\1/g)].map((m) => m[2]).filter((s) => ACTIONS.has(s));
}

const isPending = (file: string) => PENDING.some((p) => (p.endsWith('/') ? file.startsWith(p) : file === p));
const isExempt = (file: string, literal: string) => NOT_AUDIT.some((n) => n.file === file && n.literal === literal);

function literalsIn(file: string): { file: string; line: number; literal: string }[] {
  const lines = fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n');
  return lines.flatMap((text, i) => actionLiterals(text).map((literal) => ({ file, line: i + 1, literal })));
}

const scanned = SCANNED_DIRS.flatMap(sourceFiles).filter((f) => !f.startsWith(CATALOGUE_DIR) && f !== THIS_FILE);

describe('audit catalogue', () => {
  it('recognises an action literal in code but not in a comment or inside a longer string', () => {
    expect(actionLiterals(`  await q({ action: 'label.approve' });`)).toEqual(['label.approve']);
    expect(actionLiterals(`const a = ["model.restore", \`run.fail\`];`)).toEqual(['model.restore', 'run.fail']);
    expect(actionLiterals(` * the \`label.approve\` event`)).toEqual([]);
    expect(actionLiterals(`key: \`evaluation.run:\${id}\`, name: 'label.approved'`)).toEqual([]);
  });

  it('no action is spelled as a string literal outside lib/server/audit/', () => {
    const found = scanned
      .filter((f) => !isPending(f))
      .flatMap(literalsIn)
      .filter((hit) => !isExempt(hit.file, hit.literal))
      .map((hit) => `${hit.file}:${hit.line} '${hit.literal}' (use AUDIT.${keyOf(hit.literal)})`);
    expect(found, `audit action literals outside the catalogue:\n${found.join('\n')}`).toEqual([]);
  });

  it('every catalogue action is used by the product (no dead entries)', () => {
    const product = scanned.filter((f) => PRODUCT_DIRS.some((d) => f.startsWith(`${d}/`)));
    const code = product.map((f) => fs.readFileSync(path.join(ROOT, f), 'utf8')).join('\n');
    const pendingLiterals = new Set(
      product
        .filter(isPending)
        .flatMap(literalsIn)
        .map((hit) => hit.literal),
    );
    const unused = Object.entries(AUDIT)
      .filter(([key, action]) => !new RegExp(`\\bAUDIT\\.${key}\\b`).test(code) && !pendingLiterals.has(action))
      .map(([key, action]) => `AUDIT.${key} ('${action}')`);
    expect(unused).toEqual([]);
  });

  it('each temporary allow-list entry still spells an action (remove it once converted)', () => {
    const converted = PENDING.filter(
      (p) => !scanned.some((f) => (p.endsWith('/') ? f.startsWith(p) : f === p) && literalsIn(f).length > 0),
    );
    expect(converted).toEqual([]);
  });
});

function keyOf(action: string): string {
  return Object.entries(AUDIT).find(([, a]) => a === action)?.[0] ?? '?';
}
