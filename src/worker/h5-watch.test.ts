import { afterEach, describe, expect, it, vi } from 'vitest';
import { setH5Watchdog, watched, h5Progress } from '../core/formats/keras-h5/watchdog';
import { h5Reporter, h5Watch, type H5Report } from './h5-watch';

afterEach(() => {
  setH5Watchdog(null);
  vi.useRealTimers();
});

describe('the page HDF5 watchdog', () => {
  it('reports busy, throttled progress and idle from the worker, and the page times out only a stretch without reports', () => {
    vi.useFakeTimers();
    const fired: string[] = [];
    const watch = h5Watch((file) => fired.push(file), 1000);
    const posted: H5Report[] = [];
    let clock = 0;
    setH5Watchdog(
      h5Reporter(
        (m) => (posted.push(m), watch.message(m)),
        () => clock,
      ),
    );
    watched('a.h5', () => {
      for (let i = 0; i < 10; i++) {
        clock += 100;
        h5Progress('a.h5');
      }
    });
    // busy at the start, one progress report per 500 ms of steps, idle at the end.
    expect(posted).toEqual([{ graftH5: { file: 'a.h5' } }, { graftH5: { file: 'a.h5' } }, { graftH5: { file: 'a.h5' } }, { graftH5: null }]);
    vi.advanceTimersByTime(5000);
    expect(fired).toEqual([]);
    // The worker reports busy and then nothing more: it is stuck inside HDF5.
    expect(watch.message({ graftH5: { file: 'stuck.h5' } })).toBe(true);
    vi.advanceTimersByTime(1400);
    expect(fired).toEqual([]);
    vi.advanceTimersByTime(200);
    expect(fired).toEqual(['stuck.h5']);
    expect(watch.message({ graftReady: true })).toBe(false);
  });
});
