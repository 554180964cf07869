/**
 * A progress bar on stderr, only when stderr is a terminal (never in CI logs or with --json):
 * redrawn at most ten times a second, erased when done, and erased before any other output
 * (./terminal.ts), so that nothing is ever glued to it; the next update draws it again.
 *
 * The time left comes only from a measured rate: items done since the first one was seen to
 * finish (so start-up, such as NumPy workers starting, is never counted as work), over the last
 * RATE_WINDOW_MS (so a fast burst, such as the golden files, or a stall fades out). Until that
 * rate rests on MIN_RATE_SPAN_MS of work and MIN_RATE_STEPS advances, the bar says it is
 * estimating: the first estimate of a 20 s run once read "~10 min left", from a rate that
 * counted the workers' start-up.
 */
import { setStatusLine } from './terminal.js';

export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

/** Seconds as a person reads them: "~40 s", "~12 min", "~3 h". */
export function formatTimeLeft(seconds: number): string {
  if (seconds < 120) return `~${Math.ceil(seconds)} s`;
  if (seconds < 2 * 3600) return `~${Math.ceil(seconds / 60)} min`;
  return `~${Math.ceil(seconds / 3600)} h`;
}

/** The rate is measured over the items done in this last stretch of time. */
export const RATE_WINDOW_MS = 30_000;
/** No estimate before the rate rests on this much time of work... */
export const MIN_RATE_SPAN_MS = 3000;
/** ...and this many advances of the count. */
export const MIN_RATE_STEPS = 3;

/** Seconds left at the rate measured by `samples` (times and counts, oldest first), if it is measured enough. */
function secondsLeft(samples: readonly { time: number; done: number }[], steps: number, now: number, done: number, total: number): number | undefined {
  const from = samples[0];
  if (from === undefined || steps < MIN_RATE_STEPS || now - from.time < MIN_RATE_SPAN_MS || done <= from.done) return undefined;
  return ((total - done) * (now - from.time)) / (done - from.done) / 1000;
}

export function createProgress(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  let last = -Infinity;
  let drawn = false;
  let seen: number | undefined;
  /** (time, count) at each advance since the first, the oldest kept being the last before the window. */
  const samples: { time: number; done: number }[] = [];
  let steps = 0;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
    last = -Infinity;
  };
  const line = { clear };
  return {
    update(done, total) {
      const now = Date.now();
      if (seen !== undefined && done > seen) {
        // The first advance only starts the clock: what it counts was done during start-up.
        if (samples.length > 0) steps++;
        samples.push({ time: now, done });
        while (samples.length > 2 && samples[1].time <= now - RATE_WINDOW_MS) samples.shift();
      }
      seen = done;
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((width * done) / total);
      let eta = '';
      if (done < total) {
        const left = secondsLeft(samples, steps, now, done, total);
        eta = left === undefined ? ', estimating time left' : `, ${formatTimeLeft(left)} left`;
      }
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${eta}\x1b[K`);
      drawn = true;
      setStatusLine(line);
    },
    done() {
      clear();
      setStatusLine(undefined);
    },
  };
}
