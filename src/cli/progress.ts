/**
 * A progress bar on stderr, only when stderr is a terminal (never in CI logs or with --json):
 * redrawn at most ten times a second, erased when done.
 */
export interface Progress {
  update(done: number, total: number): void;
  done(): void;
}

export function createProgress(label: string, enabled: boolean, stream: NodeJS.WriteStream = process.stderr): Progress {
  if (!enabled || !stream.isTTY) return { update() {}, done() {} };
  let last = 0;
  let drawn = false;
  const started = Date.now();
  return {
    update(done, total) {
      const now = Date.now();
      if (now - last < 100 && done < total) return;
      last = now;
      const width = 30;
      const filled = total === 0 ? width : Math.round((width * done) / total);
      const elapsed = (now - started) / 1000;
      const eta = done > 0 && done < total ? `, ~${Math.ceil((elapsed * (total - done)) / done)} s left` : '';
      stream.write(`\r${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total}${eta}\x1b[K`);
      drawn = true;
    },
    done() {
      if (drawn) stream.write('\r\x1b[K');
    },
  };
}
