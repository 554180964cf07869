/**
 * The Python side of npm run bench: one reference/worker.py process answering `bench` requests,
 * which time NumPy (the seed's code and a fused version) and PyTorch inside Python, so the
 * transfer of inputs is not timed. BLAS and PyTorch get one thread, like the JavaScript cells.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import { workerPath } from '../src/oracle/numpy-oracle.js';
import { encodeFloat64 } from '../src/oracle/protocol.js';
import { pythonCommand } from '../src/oracle/python.js';

export type PythonImpl = 'seed' | 'fused' | 'torch64' | 'torch32';

export interface PythonBenchCase {
  impl: PythonImpl;
  cell: 'type1' | 'type2';
  steps: number;
  inputs: number;
  hidden: number;
  batch: number;
  /** B x T x X, row-major. */
  S: Float64Array;
  W: Record<string, Float64Array>;
  minTimeMs: number;
  minSamples: number;
  seedPath?: string;
}

export interface PythonBenchResult {
  /** Milliseconds per call (one call runs every sequence of the batch). */
  samples: number[];
  info: Record<string, unknown>;
}

export class PythonBench {
  private nextId = 1;
  private readonly waiting = new Map<number, (reply: Record<string, unknown>) => void>();

  private constructor(private readonly child: ChildProcessWithoutNullStreams) {
    createInterface({ input: child.stdout }).on('line', (line) => {
      const reply = JSON.parse(line) as Record<string, unknown>;
      const resolve = this.waiting.get(reply.id as number);
      this.waiting.delete(reply.id as number);
      resolve?.(reply);
    });
  }

  static start(): PythonBench {
    const child = spawn(pythonCommand(), ['-u', workerPath()], {
      env: { ...process.env, OPENBLAS_NUM_THREADS: '1', OMP_NUM_THREADS: '1', MKL_NUM_THREADS: '1' },
    });
    child.stderr.on('data', (chunk: Buffer) => process.stderr.write(chunk));
    return new PythonBench(child);
  }

  request(body: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.stdin.write(`${JSON.stringify({ ...body, id })}\n`);
    });
  }

  async hello(): Promise<Record<string, unknown>> {
    const reply = await this.request({ op: 'hello' });
    if (reply.ok !== true) throw new Error(`worker: ${String(reply.error)}`);
    return reply.info as Record<string, unknown>;
  }

  /** Times one implementation; rejects with the worker's message (e.g. torch missing). */
  async bench(c: PythonBenchCase): Promise<PythonBenchResult> {
    const W: Record<string, string> = {};
    for (const [key, values] of Object.entries(c.W)) W[key] = encodeFloat64(values);
    const reply = await this.request({
      op: 'bench',
      impl: c.impl,
      cell: c.cell,
      steps: c.steps,
      inputs: c.inputs,
      hidden: c.hidden,
      batch: c.batch,
      S: encodeFloat64(c.S),
      W,
      min_time: c.minTimeMs / 1000,
      min_samples: c.minSamples,
      seed_path: c.seedPath ?? null,
      threads: 1,
    });
    if (reply.ok !== true) throw new Error(String(reply.error));
    const { samples, ...info } = reply.bench as { samples: number[] } & Record<string, unknown>;
    return { samples: samples.map((s) => s * 1000), info };
  }

  close(): void {
    this.child.stdin.end();
  }
}
