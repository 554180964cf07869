/**
 * What a campaign (or one shard of it) judges, and in which order, without holding it: the live
 * cases are drawn one at a time as the campaign reaches them, so memory does not grow with
 * `--cases`, and their number is known without drawing any.
 *
 * Every case has an `order`: its place in the whole, unsharded campaign. Golden files come first
 * (by their path in the manifest), then per cell, in the order the cells were given, the chaotic
 * probe and the live cases by index. A run judges and tallies in this order whatever the number
 * of NumPy workers, and `merge` sorts findings and breaks ties by it, so a merged set of shards
 * says exactly what the unsharded run says.
 */
import type { CellType } from '../cells/schema.js';
import { campaignCase, chaoticProbe, type CampaignCase } from './random-case.js';

/** What a live campaign draws: which cells, how many cases, from which seed, and which shard of it to run. */
export interface CampaignPlan {
  /** The cells, in the order their cases are drawn. */
  cells: readonly CellType[];
  /** Live cases per cell, before sharding. */
  casesPerCell: number;
  /** The campaign seed; with the index it fixes every case. */
  seed: number;
  /** 1-based shard index and shard count: shard i takes the cases whose index is i - 1 mod n. */
  shard: { index: number; count: number };
  /** Include the chaotic probes (in shard 1 only). */
  probes: boolean;
}

/** A live case with its place in the campaign. */
export interface PlannedCase extends CampaignCase {
  /** The case's place in the whole, unsharded campaign: what runs are tallied and merged by. */
  order: number;
}

/** The order of a live case (index -1 is the probe) behind `goldenCount` golden files. */
export function liveOrder(plan: Pick<CampaignPlan, 'cells' | 'casesPerCell'>, goldenCount: number, cell: CellType, index: number): number {
  return goldenCount + plan.cells.indexOf(cell) * (plan.casesPerCell + 1) + index + 1;
}

function probeHere(plan: CampaignPlan): boolean {
  return plan.probes && plan.shard.index === 1;
}

/** Live cases of this shard in one cell, without the probe. */
function shardCasesPerCell(plan: CampaignPlan): number {
  const first = plan.shard.index - 1;
  return first >= plan.casesPerCell ? 0 : Math.ceil((plan.casesPerCell - first) / plan.shard.count);
}

/** How many live cases this shard judges, probes included. */
export function liveCaseCount(plan: CampaignPlan): number {
  return plan.cells.length * (shardCasesPerCell(plan) + (probeHere(plan) ? 1 : 0));
}

/** The live cases of this shard, drawn as they are reached: per cell, the probe first, then by index. */
export function* plannedCases(plan: CampaignPlan, goldenCount = 0): Generator<PlannedCase> {
  for (const cell of plan.cells) {
    if (probeHere(plan)) yield { ...chaoticProbe(cell), order: liveOrder(plan, goldenCount, cell, -1) };
    for (let index = plan.shard.index - 1; index < plan.casesPerCell; index += plan.shard.count) {
      yield { ...campaignCase(cell, plan.seed, index), order: liveOrder(plan, goldenCount, cell, index) };
    }
  }
}
