import { describe, expect, it } from 'vitest';
import { thin, windowAxis, windowTitle, MAX_TICKS } from '@/components/monitoring/axes';

const casePoint = (index: number) => ({
  index,
  window: `cases ${index * 50 + 1}-${index * 50 + 50}`,
  period: null,
  start: '2026-01-05T10:00:00Z',
});
const dayPoint = (index: number, period: string) => ({ index, window: period, period, start: `${period}T09:30:00Z` });

describe('monitoring time axes', () => {
  it('labels windows of N cases with their case range, not a window number', () => {
    const points = [0, 1, 2].map(casePoint);
    const axis = windowAxis(points, 'cases');
    expect(axis.scale.type).toBe('linear');
    expect(axis.scale.ticks).toEqual([0, 1, 2]);
    expect(axis.scale.ticks.map(axis.scale.tickFormat)).toEqual(['cases 1-50', 'cases 51-100', 'cases 101-150']);
    expect(axis.x(points[1])).toBe(1);
    expect(axis.scale.tickRotate).toBe(0);
  });

  it('puts day windows on a UTC date axis with one tick per day, as dates', () => {
    const points = [dayPoint(0, '2026-01-05'), dayPoint(1, '2026-01-06'), dayPoint(1, '2026-01-06')];
    const axis = windowAxis(points, 'day');
    expect(axis.scale.type).toBe('utc');
    expect(axis.scale.label).toBe('day (UTC)');
    expect(axis.x(points[0])).toEqual(new Date('2026-01-05T00:00:00Z'));
    expect(axis.scale.ticks.map(axis.scale.tickFormat)).toEqual(['5 Jan', '6 Jan']);
  });

  it('adds the year when windows span two years, and names week windows by their Monday', () => {
    const points = [dayPoint(0, '2025-12-29'), dayPoint(1, '2026-01-05')];
    const axis = windowAxis(points, 'week');
    expect(axis.scale.label).toBe('week starting (UTC)');
    expect(axis.scale.ticks.map(axis.scale.tickFormat)).toEqual(['29 Dec 2025', '5 Jan 2026']);
    expect(windowTitle(points[1], 'week')).toBe('week of 5 Jan 2026');
  });

  it('keeps at most MAX_TICKS labels, and tilts them once there are several case ranges', () => {
    const points = Array.from({ length: 30 }, (_, i) => casePoint(i));
    const axis = windowAxis(points, 'cases');
    expect(axis.scale.ticks.length).toBeLessThanOrEqual(MAX_TICKS);
    expect(axis.scale.ticks[0]).toBe(0);
    expect(axis.scale.tickRotate).toBeLessThan(0);
    expect(thin([1, 2, 3], 8)).toEqual([1, 2, 3]);
  });

  it('titles a case window with the date its first case arrived', () => {
    expect(windowTitle(casePoint(0), 'cases')).toBe('cases 1-50 (from 5 Jan 2026)');
  });
});
