/**
 * Where splitting one sequence's products over two threads pays: `npm run bench:split` times a
 * single sequence on prepared weights with one thread and with `threads(2)`, side by side in
 * interleaved rounds, over recurrent row counts around SPLIT_MIN_ROWS, with the split forced on
 * at every size (BatchThreads' sequence workspace is used directly, as runSequence would above
 * the threshold), and prints the ratio of medians. The threshold in src/cells/driver.ts is chosen
 * from this table. Both runs write into their previous result (options.into), so the memory
 * allocator does not blur the comparison. Never run by the tests.
 *
 * BENCH_ROUNDS (default 5) rounds, each timing every size both ways for BENCH_TIME_MS (default 200).
 */
import { cpus, loadavg } from 'node:os';
import { SPLIT_MIN_ROWS } from '../src/cells/driver.js';
import { lstmType1, lstmType2, prepareWeights, threads, type CellType, type LstmOutputTrace } from '../src/index.js';
import { sequence, type1Weights, type2Weights } from '../test/helpers/weights.js';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const TIME_MS = Number(process.env.BENCH_TIME_MS ?? 200);

// H, X, T: recurrent rows 4H (type 1) or 3H (type 2) from 128 to 2048.
const SIZES: [CellType, number, number, number][] = [
  ['type1', 32, 16, 100],
  ['type1', 64, 32, 100],
  ['type2', 96, 48, 100],
  ['type1', 96, 48, 100],
  ['type1', 128, 64, 200],
  ['type2', 128, 64, 200],
  ['type1', 256, 128, 100],
  ['type1', 512, 256, 50],
];

type Run = (S: number[][], W: unknown, options: { trace: 'output'; into?: LstmOutputTrace }) => LstmOutputTrace;

function timeCalls(fn: () => void): number {
  const started = performance.now();
  let calls = 0;
  while (calls < 3 || performance.now() - started < TIME_MS) {
    fn();
    calls++;
  }
  return (performance.now() - started) / calls;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  console.log(`split products: ${ROUNDS} rounds, ${TIME_MS} ms a side; load ${loadavg().map((x) => x.toFixed(2)).join(' ')} (${cpus().length} cores); SPLIT_MIN_ROWS ${SPLIT_MIN_ROWS}`);
  const cases = SIZES.map(([cell, H, X, T]) => {
    const W = cell === 'type1' ? type1Weights(H, X) : type2Weights(H, X);
    const run = (cell === 'type1' ? lstmType1 : lstmType2) as Run;
    const one = prepareWeights(cell, W as never);
    const two = prepareWeights(cell, W as never, { threads: threads(2) });
    if (two.threads !== 2) throw new Error('bench:split needs threads (worker_threads and SharedArrayBuffer)');
    // Forced on below the threshold too: the sequence workspace of the threads, as runSequence picks it above.
    const forced = { ...two, recurrentRows: two.recurrentRows, workspace: two.batchThreads!.sequenceWorkspace() as never, batchThreads: null };
    return { cell, H, X, T, rows: cell === 'type1' ? 4 * H : 3 * H, run, one, forced, S: sequence(T, X), times: { one: [] as number[], two: [] as number[] } };
  });
  // Threads start asynchronously in a browser, synchronously here; a moment lets them settle.
  await new Promise((done) => setTimeout(done, 200));
  for (let round = 0; round < ROUNDS; round++) {
    process.stderr.write(`bench:split round ${round + 1}/${ROUNDS}\n`);
    for (const c of cases) {
      for (const side of round % 2 === 0 ? (['one', 'two'] as const) : (['two', 'one'] as const)) {
        const P = side === 'one' ? c.one : c.forced;
        let last = c.run(c.S, P, { trace: 'output' });
        c.times[side].push(timeCalls(() => (last = c.run(c.S, P, { trace: 'output', into: last }))));
      }
    }
  }
  console.log('cell   H    X    T     rows   one thread   two threads   one / two');
  for (const c of cases) {
    const [one, two] = [median(c.times.one), median(c.times.two)];
    console.log(`${c.cell}  ${String(c.H).padEnd(4)} ${String(c.X).padEnd(4)} ${String(c.T).padEnd(5)} ${String(c.rows).padEnd(6)} ${one.toFixed(3).padStart(9)} ms ${two.toFixed(3).padStart(10)} ms ${(one / two).toFixed(2).padStart(9)}x`);
  }
  console.log(`load ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  process.exit(0);
}

await main();
