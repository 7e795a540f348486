import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

/**
 * The test layout rule (README, "Tests"): every Vitest file lives under tests/<area>/ (unit and integration alike),
 * Playwright specs under e2e/, benchmarks under bench/. A test file beside its module would not run (vitest.config
 * includes tests/ only), so this fails on one rather than letting it be skipped in silence.
 */
const root = path.resolve(__dirname, '../..');

describe('test layout', () => {
  it('no test or spec file outside tests/ and e2e/', () => {
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8' }).split(
      '\n',
    );
    const misplaced = tracked.filter((f) => /\.(test|spec)\.[cm]?[jt]sx?$/.test(f) && !/^(tests|e2e)\//.test(f));
    expect(misplaced).toEqual([]);
  });

  it('Playwright specs are the only files in e2e/ named .spec.ts, and tests/ holds no .spec.ts', () => {
    const tracked = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', 'tests', 'e2e'], {
      cwd: root,
      encoding: 'utf8',
    }).split('\n');
    expect(tracked.filter((f) => f.startsWith('tests/') && f.endsWith('.spec.ts'))).toEqual([]);
    expect(tracked.filter((f) => f.startsWith('e2e/') && f.endsWith('.test.ts'))).toEqual([]);
  });
});
