import { describe, expect, it } from 'vitest';
import { loginPathFor, safeReturnPath } from '@/lib/return-path';

describe('safeReturnPath', () => {
  it('keeps a path on this site with its query', () => {
    expect(safeReturnPath('/cases/abc?tab=labels')).toBe('/cases/abc?tab=labels');
  });
  it.each(['https://evil.example/', '//evil.example', '/\\evil.example', 'cases', '', '/login', '/login?next=/x', '/api/cases', '/a\nb'])(
    'refuses %j',
    (raw) => expect(safeReturnPath(raw)).toBeNull(),
  );
  it('refuses nothing-at-all', () => {
    expect(safeReturnPath(null)).toBeNull();
    expect(safeReturnPath(undefined)).toBeNull();
  });
});

describe('loginPathFor', () => {
  it('encodes the way back', () => {
    expect(loginPathFor('/monitoring?window=day')).toBe('/login?next=%2Fmonitoring%3Fwindow%3Dday');
  });
  it('is plain /login for the home page or an unsafe path', () => {
    expect(loginPathFor('/')).toBe('/login');
    expect(loginPathFor('//evil.example')).toBe('/login');
    expect(loginPathFor(null)).toBe('/login');
  });
});
