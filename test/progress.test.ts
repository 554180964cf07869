/** The progress bar: drawn only on a terminal, at most ten times a second, erased when done. */
import { describe, expect, it, vi } from 'vitest';
import { createProgress } from '../src/cli/progress.js';

function terminal(isTTY: boolean) {
  const writes: string[] = [];
  const stream = { isTTY, write: (text: string) => writes.push(text) > 0 } as unknown as NodeJS.WriteStream;
  return { stream, writes };
}

describe('createProgress', () => {
  it('should draw nothing when disabled or when stderr is not a terminal', () => {
    for (const [enabled, isTTY] of [[false, true], [true, false]]) {
      const { stream, writes } = terminal(isTTY);
      const progress = createProgress('verify', enabled, stream);
      progress.update(1, 2);
      progress.done();
      expect(writes).toEqual([]);
    }
  });

  it('should draw the bar with an estimate, skip redraws within 100 ms, and erase it when done', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { stream, writes } = terminal(true);
      const progress = createProgress('verify', true, stream);
      vi.setSystemTime(2000);
      progress.update(1, 4);
      vi.setSystemTime(2050);
      progress.update(2, 4);
      vi.setSystemTime(4000);
      progress.update(4, 4);
      progress.done();
      expect(writes).toEqual([
        `\rverify [${'#'.repeat(8)}${'.'.repeat(22)}] 1/4, ~6 s left\x1b[K`,
        `\rverify [${'#'.repeat(30)}] 4/4\x1b[K`,
        '\r\x1b[K',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should show a full bar for an empty run', () => {
    const { stream, writes } = terminal(true);
    createProgress('verify', true, stream).update(0, 0);
    expect(writes).toEqual([`\rverify [${'#'.repeat(30)}] 0/0\x1b[K`]);
  });
});
