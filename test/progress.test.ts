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

  it('should estimate only from a measured rate: not during start-up, not before 3 s and 3 advances of work, then over the last 30 s; skip redraws within 100 ms; erase the bar when done', () => {
    vi.useFakeTimers({ now: 0 });
    try {
      const { stream, writes } = terminal(true);
      const progress = createProgress('verify', true, stream);
      const at = (ms: number, done: number) => {
        vi.setSystemTime(ms);
        progress.update(done, 1000);
      };
      // Drawn at once; then a minute of start-up (NumPy workers) before the first 20 are done:
      // they start the clock and count for nothing, or the start-up would read as 20 a minute.
      at(0, 0);
      at(60_000, 20);
      at(60_500, 60);
      at(61_000, 100);
      at(62_000, 140);
      // 3 s of work and 4 advances: 160 more in 3 s; 820 left take 15.4 s.
      at(63_000, 180);
      // A long stall lowers the rate measured over the last 30 s; fast work raises it again.
      at(93_000, 200);
      at(123_000, 800);
      at(123_050, 810);
      at(124_000, 1000);
      progress.done();
      const shown = writes.map((w) => /\] (\d+)\/1000(.*)\x1b\[K$/.exec(w)?.slice(1).join('') ?? w);
      expect(shown).toEqual([
        '0, estimating time left',
        '20, estimating time left',
        '60, estimating time left',
        '100, estimating time left',
        '140, estimating time left',
        '180, ~16 s left',
        // From (63 s, 180): 20 in 30 s; 800 left take 1200 s.
        '200, ~20 min left',
        // From (93 s, 200): 600 in 30 s; 200 left take 10 s. The redraw at 123.05 s is skipped.
        '800, ~10 s left',
        '1000',
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
