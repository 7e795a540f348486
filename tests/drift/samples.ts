/** Deterministic samples shared by the statistics tests; the same formulas are in tests/drift/scipy_reference.py. */
export const sampleA = (n: number) => Array.from({ length: n }, (_, i) => ((i * 7919) % 1000) / 100);
export const sampleB = (n: number, shift: number) => Array.from({ length: n }, (_, i) => ((i * 104729) % 997) / 90 + shift);
export const counts = (n: number, k: number) => Array.from({ length: n }, (_, i) => (i * 31) % k);
