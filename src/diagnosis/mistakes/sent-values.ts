/**
 * Values changed on the way out: NaN sent as 0 (a serializer, or a nan_to_num), -0 sent as +0 (a
 * formatter that drops the sign of zero).
 */
import type { Mistake } from '../mistake.js';

export const SENT_VALUES: Mistake[] = [
  { id: 'nan-as-zero', title: 'NaN sent as 0', cells: ['type1', 'type2'], change: { send: (x) => (Number.isNaN(x) ? 0 : x) } },
  { id: 'negative-zero-as-positive', title: '-0 sent as +0', cells: ['type1', 'type2'], change: { send: (x) => (Object.is(x, -0) ? 0 : x) } },
];
