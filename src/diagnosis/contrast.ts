/**
 * What sets a run's failing cases apart from its passing ones: for each input feature (subnormals,
 * non-finite values, huge values, long sequences, widths off the blocking sizes real kernels use,
 * H = X, no steps), how many failing cases have it and how many passing ones, counted as the run
 * goes (in bounded memory, summed over shards). A feature separates them when its share among
 * the failing cases exceeds its share among the passing ones by at least a half: "all 9 failing
 * cases hold subnormal weights; 12 of 1991 passing ones do".
 */
import { CHUNK_MAX_STEPS } from '../cells/driver.js';
import type { FlatCase } from '../judge/flat-case.js';

/** The features, in the order a report lists them, with how a report says a case has one. */
export const FEATURES = [
  ['subnormal-weights', 'hold subnormal weights'],
  ['subnormal-inputs', 'hold subnormal inputs'],
  ['non-finite', 'hold NaN or an infinity'],
  ['huge-values', 'hold a value beyond 1e300 in magnitude'],
  ['negative-zeros', 'hold a -0'],
  ['beyond-a-chunk', `run past ${CHUNK_MAX_STEPS} steps (one chunk of input projections)`],
  ['no-steps', 'have no steps (T = 0)'],
  ['h-equals-x', 'have H = X'],
  ['h-above-32', 'have H > 32'],
  ...[4, 8, 16, 32].map((k) => [`h-not-multiple-of-${k}`, `have H not a multiple of ${k}`] as const),
  ...[4, 8, 16, 32].map((k) => [`x-not-multiple-of-${k}`, `have X not a multiple of ${k}`] as const),
] as const;

/** A feature a case can have, one of {@link FEATURES}' ids. */
export type Feature = (typeof FEATURES)[number][0];

/** The features of one case (one pass over its values: a wide case holds a few hundred thousand). */
export function caseFeatures(c: Pick<FlatCase, 'steps' | 'hidden' | 'inputs' | 'S' | 'W'>): Feature[] {
  let subnormalWeights = false;
  let subnormalInputs = false;
  let nonFinite = false;
  let huge = false;
  let negativeZero = false;
  const scan = (values: Float64Array, inputs: boolean) => {
    for (let k = 0; k < values.length; k++) {
      const x = values[k];
      const m = Math.abs(x);
      if (m === 0) {
        if (1 / x < 0) negativeZero = true;
      } else if (m < 2 ** -1022) {
        if (inputs) subnormalInputs = true;
        else subnormalWeights = true;
      } else if (!(m <= 1e300)) {
        if (Number.isFinite(m)) huge = true;
        else {
          nonFinite = true;
          if (m === Infinity) huge = true;
        }
      }
    }
  };
  scan(c.S, true);
  for (const values of Object.values(c.W)) scan(values, false);
  const features: Feature[] = [];
  if (subnormalWeights) features.push('subnormal-weights');
  if (subnormalInputs) features.push('subnormal-inputs');
  if (nonFinite) features.push('non-finite');
  if (huge) features.push('huge-values');
  if (negativeZero) features.push('negative-zeros');
  if (c.steps > CHUNK_MAX_STEPS) features.push('beyond-a-chunk');
  if (c.steps === 0) features.push('no-steps');
  if (c.hidden === c.inputs) features.push('h-equals-x');
  if (c.hidden > 32) features.push('h-above-32');
  for (const k of [4, 8, 16, 32] as const) if (c.hidden % k !== 0) features.push(`h-not-multiple-of-${k}`);
  for (const k of [4, 8, 16, 32] as const) if (c.inputs % k !== 0) features.push(`x-not-multiple-of-${k}`);
  return features;
}

/** Failing and passing cases, and per feature how many of each have it: sums over shards. */
export interface Contrast {
  failing: number;
  passing: number;
  features: Partial<Record<Feature, { failing: number; passing: number }>>;
}

export function emptyContrast(): Contrast {
  return { failing: 0, passing: 0, features: {} };
}

/** Two contrasts' counts summed (golden and live, or two shards). */
export function addContrasts(a: Contrast | undefined, b: Contrast | undefined): Contrast {
  const out = emptyContrast();
  for (const part of [a, b]) {
    if (part === undefined) continue;
    out.failing += part.failing;
    out.passing += part.passing;
    for (const [feature, counts] of Object.entries(part.features) as [Feature, { failing: number; passing: number }][]) {
      const into = (out.features[feature] ??= { failing: 0, passing: 0 });
      into.failing += counts.failing;
      into.passing += counts.passing;
    }
  }
  return out;
}

/** Counts one case. */
export function addToContrast(contrast: Contrast, features: readonly Feature[], failing: boolean): void {
  if (failing) contrast.failing++;
  else contrast.passing++;
  for (const feature of features) {
    const counts = (contrast.features[feature] ??= { failing: 0, passing: 0 });
    if (failing) counts.failing++;
    else counts.passing++;
  }
}

/** The features that separate failing from passing cases, most separating first, as sentences. */
export function describeContrast(contrast: Contrast, limit = 3): string[] {
  if (contrast.failing === 0) return [];
  const rows = FEATURES.map(([feature, says]) => {
    const counts = contrast.features[feature] ?? { failing: 0, passing: 0 };
    const gap = counts.failing / contrast.failing - (contrast.passing === 0 ? 0 : counts.passing / contrast.passing);
    return { feature, says, counts, gap };
  })
    .filter((row) => row.gap >= 0.5)
    .sort((a, b) => b.gap - a.gap)
    .slice(0, limit);
  if (rows.length === 0) return [`no input feature sets the ${contrast.failing} failing ${contrast.failing === 1 ? 'case' : 'cases'} apart from the ${contrast.passing} passing`];
  const singular: Record<string, string> = { hold: 'holds', run: 'runs', have: 'has' };
  return rows.map(({ says, counts }) => {
    if (contrast.failing === 1) return `the one failing case ${says.replace(/^\w+/, (verb) => singular[verb] ?? verb)}; ${counts.passing} of ${contrast.passing} passing ones do`;
    const share = counts.failing === contrast.failing ? `all ${contrast.failing} failing cases` : `${counts.failing} of ${contrast.failing} failing cases`;
    return `${share} ${says}; ${counts.passing} of ${contrast.passing} passing ones do`;
  });
}
