/**
 * What a gate's recurrent term reads, and how h is made: the places where type 2 differs from a
 * standard LSTM, and where a port of one is most often written as the other.
 *
 *   type 2 gates reading h_{t-1} instead of c_{t-1}, gate by gate
 *   type 1's candidate without its recurrent term U_c h (type 2's has none; a type 2 candidate
 *     with one has no weights in the seed to read, so that mistake cannot be made silently)
 *   h = o tanh(c) where the seed has tanh(o c) (type 2), and the other way round (type 1)
 */
import type { Mistake } from '../mistake.js';

const NAMES: Record<string, string> = { i: 'input', g: 'forget', o: 'output' };

export const RECURRENCE: Mistake[] = [
  ...(['i', 'g', 'o'] as const).map(
    (gate): Mistake => ({ id: `type2-${gate}-reads-h`, title: `the ${NAMES[gate]} gate reads h_{t-1} instead of c_{t-1}`, cells: ['type2'], change: { reads: { [gate]: 'h' } } }),
  ),
  { id: 'type2-gates-read-h', title: 'every gate reads h_{t-1} instead of c_{t-1}', cells: ['type2'], change: { reads: { i: 'h', g: 'h', o: 'h' } } },
  { id: 'candidate-without-recurrence', title: "the candidate without its recurrent term U_c h", cells: ['type1'], change: { candidateWithoutRecurrence: true } },
  { id: 'h-o-tanh-c', title: 'h = o tanh(c) instead of the seed\'s tanh(o c)', cells: ['type2'], change: { output: 'o*tanh(c)' } },
  { id: 'h-tanh-o-c', title: 'h = tanh(o c) instead of the seed\'s o tanh(c)', cells: ['type1'], change: { output: 'tanh(o*c)' } },
];
