/**
 * Reading a command's options: node:util's parseArgs, with the two things it gets wrong for us.
 * A negative number after an option that takes a value (`--cases -1`) reads as an ambiguous
 * option there; here it is that option's value, so the option's own check refuses it with the
 * same message as `--cases=-1`. And integers say which bound they broke, the upper one included.
 */
import { UsageError } from './usage-error.js';

type OptionKinds = Record<string, { type: 'string' | 'boolean' }>;

const NEGATIVE_NUMBER = /^-(\d|\.\d)/;

/** argv with `--name -1` written as `--name=-1` for every option that takes a value. */
export function withNegativeValues(argv: readonly string[], options: OptionKinds): string[] {
  const args: string[] = [];
  for (let k = 0; k < argv.length; k++) {
    const arg = argv[k];
    const next = argv[k + 1];
    const takesValue = arg.startsWith('--') && options[arg.slice(2)]?.type === 'string';
    if (takesValue && next !== undefined && NEGATIVE_NUMBER.test(next)) {
      args.push(`${arg}=${next}`);
      k++;
    } else {
      args.push(arg);
    }
  }
  return args;
}

export interface IntegerBounds {
  min?: number;
  /** The largest value accepted (default 2^53 - 1), and why, for the message. */
  max?: number;
  why?: string;
}

/** An integer option; `fallback` when it is not given. */
export function integerOption(name: string, text: string | undefined, fallback: number, bounds: IntegerBounds = {}): number {
  if (text === undefined) return fallback;
  const min = bounds.min ?? 0;
  const max = bounds.max ?? Number.MAX_SAFE_INTEGER;
  const value = Number(text);
  if (!/^\d+$/.test(text) || value < min) throw new UsageError(`--${name}: expected an integer >= ${min}, got ${JSON.stringify(text)}`);
  if (!(value <= max)) throw new UsageError(`--${name}: ${text} is too large; at most ${max}${bounds.why === undefined ? '' : ` (${bounds.why})`}`);
  return value;
}

export function parseShard(text: string | undefined): { index: number; count: number } {
  if (text === undefined) return { index: 1, count: 1 };
  const match = /^(\d+)\/(\d+)$/.exec(text);
  const index = match ? Number(match[1]) : NaN;
  const count = match ? Number(match[2]) : NaN;
  if (!match || count < 1 || index < 1 || index > count) throw new UsageError(`--shard: expected i/n with 1 <= i <= n, got ${JSON.stringify(text)}`);
  if (!Number.isSafeInteger(count)) throw new UsageError(`--shard: ${text} is too large; n is at most ${Number.MAX_SAFE_INTEGER}`);
  return { index, count };
}
