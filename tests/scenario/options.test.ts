import { describe, expect, it } from 'vitest';
import { parseScenarioArgs } from '../../scripts/scenario/options';

describe('scenario options', () => {
  it('demands a promotion by default and accepts a kept-out rejection only when asked', () => {
    expect(parseScenarioArgs([]).acceptRejection).toBe(false);
    expect(parseScenarioArgs(['--small', '--accept-rejection']).acceptRejection).toBe(true);
  });

  it('sizes the CI run below the full one and lets any flag override a preset', () => {
    const full = parseScenarioArgs([]);
    const small = parseScenarioArgs(['--small']);
    expect(small.nStream).toBeLessThan(full.nStream);
    expect(small.retrainN).toBeLessThan(full.retrainN);
    expect(parseScenarioArgs(['--small', '--n-stream', '40']).nStream).toBe(40);
    expect(full.shift).toEqual(['scanner', 'motion']);
  });

  it('refuses impossible values with the flag named', () => {
    expect(() => parseScenarioArgs(['--canary-percent', '80'])).toThrow(/canary-percent/);
    expect(() => parseScenarioArgs(['--shift-share', '1.5'])).toThrow(/shift-share/);
    expect(() => parseScenarioArgs(['--n-stream', 'x'])).toThrow(/n-stream/);
  });
});
