// What comparing a candidate run with its baseline produced (SPEC section 7).
import type { Goal, Tolerance } from '../inputs/inputs.js'

export type MetricStatus = 'improved' | 'regressed' | 'within-tolerance' | 'new' | 'removed' | 'informational'

export type Verdict = 'better' | 'worse' | 'unchanged' | 'no-baseline'

export const METRIC_STATUSES: readonly MetricStatus[] = [
  'improved',
  'regressed',
  'within-tolerance',
  'new',
  'removed',
  'informational',
]

export interface MetricDelta {
  key: string
  baseline?: number
  candidate?: number
  /** candidate − baseline, when both are finite. */
  delta?: number
  /** delta as a percentage of |baseline|, when the baseline is finite and not 0. */
  deltaPercent?: number
  goal: Goal
  /** True when the metric takes part in the verdict: a max/min goal and a value on both sides. */
  gated: boolean
  tolerance: Tolerance
  status: MetricStatus
}

export interface ParamChange {
  key: string
  baseline?: string
  candidate?: string
}

export interface Comparison {
  verdict: Verdict
  /** Every metric that is not a business metric, sorted by key. */
  metrics: MetricDelta[]
  /** The `biz_` metrics, sorted by key. */
  business: MetricDelta[]
  /** Params that differ or exist on one side only, sorted by key. */
  paramChanges: ParamChange[]
  /** Over metrics and business metrics together. */
  counts: Record<MetricStatus, number>
  regressions: MetricDelta[]
  improvements: MetricDelta[]
}
