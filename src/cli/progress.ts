/**
 * A progress bar on stderr, only when stderr is a terminal (never in CI logs or with --json):
 * redrawn at most ten times a second, erased when done, and erased before any other output
 * (./terminal.ts), so that nothing is ever glued to it; the next update draws it again. The time left is estimated from the rate
 * since the first update, once a second has passed: a rate measured over a few fast first items
 * (golden files, say) would promise nonsense.
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

const ESTIMATE_AFTER_MS = 1000;

export function createProgress(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  let last = -Infinity;
  let drawn = false;
  let first: { time: number; done: number } | undefined;
  const clear = () => {
    if (drawn) stream.write('\r\x1b[K');
    drawn = false;
    last = -Infinity;
  };
  const line = { clear };
  return {
    update(done, total) {
      const now = Date.now();
      first ??= { time: now, done };
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((width * done) / total);
      const elapsed = now - first.time;
      let eta = '';
      if (done < total) {
        eta = elapsed >= ESTIMATE_AFTER_MS && done > first.done ? `, ${formatTimeLeft(((total - done) * elapsed) / (done - first.done) / 1000)} left` : ', estimating time left';
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
