/**
 * Pre-activations clipped to [-k, k] before σ or tanh, as ports do to saturate early or to keep
 * exp from overflowing. Only limits up to 30 are listed: beyond σ's saturation at 36.7 a clip
 * changes σ(-k) by less than the policy's atol (σ(-40) = 4e-18) and tanh not at all, so no judge
 * can see it (a float32 port's ±88.7 included).
 */
import type { Mistake } from '../mistake.js';

const LIMITS = [5, 10, 15, 20, 30];

export const CLIPPED: Mistake[] = LIMITS.map((k) => ({ id: `clip-${k}`, title: `pre-activations clipped to ±${k}`, cells: ['type1', 'type2'], change: { clip: k } }));
