/** The progress bar: drawn only on a terminal, at most ten times a second, erased when done and before any other output. */
import { describe, expect, it, vi } from 'vitest';
import { createProgress, formatTimeLeft } from '../src/cli/progress.js';
import { printErr, printOut, printRaw } from '../src/cli/terminal.js';
import { capture } from './helpers/in-process.js';

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

  it('should estimate from the rate since the first update, once a second has passed, skip redraws within 100 ms, and erase the bar when done', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { stream, writes } = terminal(true);
      const progress = createProgress('verify', true, stream);
      // A slow start (worker start-up, say) before the first update does not count.
      vi.setSystemTime(60_000);
      progress.update(0, 400);
      vi.setSystemTime(60_500);
      progress.update(50, 400);
      vi.setSystemTime(60_550);
      progress.update(60, 400);
      vi.setSystemTime(62_000);
      progress.update(100, 400);
      vi.setSystemTime(70_000);
      progress.update(400, 400);
      progress.done();
      expect(writes).toEqual([
        `\rverify [${'.'.repeat(30)}] 0/400, estimating time left\x1b[K`,
        `\rverify [${'#'.repeat(4)}${'.'.repeat(26)}] 50/400, estimating time left\x1b[K`,
        // 100 cases in 2 s since the first update: 300 more take 6 s.
        `\rverify [${'#'.repeat(8)}${'.'.repeat(22)}] 100/400, ~6 s left\x1b[K`,
        `\rverify [${'#'.repeat(30)}] 400/400\x1b[K`,
        '\r\x1b[K',
      ]);
    } finally {
      vi.useRealTimers();
    }
  });

  it('should say the time left in seconds, minutes or hours', () => {
    expect([0.2, 119, 121, 7199, 7201, 470318].map(formatTimeLeft)).toEqual(['~1 s', '~119 s', '~3 min', '~120 min', '~3 h', '~131 h']);
  });

  it('should be erased before any other output, so that nothing is glued to it, and drawn again at the next update', async () => {
    const events: string[] = [];
    const logged = { isTTY: true, write: (text: string) => events.push(`bar ${JSON.stringify(text)}`) > 0 } as unknown as NodeJS.WriteStream;
    const progress = createProgress('verify', true, logged);
    const printed = await capture(async () => {
      progress.update(1, 10);
      printOut(['campaign: seed 1']);
      progress.update(2, 10);
      printErr(['lstm-parity: a note']);
      printRaw('{}\n');
      progress.done();
      printOut(['verify: OK']);
      return 0;
    });
    expect(printed).toEqual({ code: 0, stdout: 'campaign: seed 1\n{}\nverify: OK\n', stderr: 'lstm-parity: a note\n' });
    // Drawn, erased before the campaign line, drawn again at once (no 100 ms wait), erased before
    // the note; nothing to erase before the JSON or after done().
    expect(events.map((e) => e.replace(/\[[#.]+\] /, '[bar] '))).toEqual([
      'bar "\\rverify [bar] 1/10, estimating time left\\u001b[K"',
      'bar "\\r\\u001b[K"',
      'bar "\\rverify [bar] 2/10, estimating time left\\u001b[K"',
      'bar "\\r\\u001b[K"',
    ]);
  });

  it('should show a full bar for an empty run', () => {
    const { stream, writes } = terminal(true);
    createProgress('verify', true, stream).update(0, 0);
    expect(writes).toEqual([`\rverify [${'#'.repeat(30)}] 0/0\x1b[K`]);
  });
});
