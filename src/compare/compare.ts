// Compares a candidate run with its baseline, metric by metric (SPEC section 7).
import type { Goal, MetricRules, Tolerance } from '../inputs/inputs.js'
import type { RunData } from '../mlflow/entities.js'
import {
  METRIC_STATUSES,
  type Comparison,
  type MetricDelta,
  type MetricStatus,
  type ParamChange,
  type Verdict,
} from './comparison.js'
import { ruleFor } from './metric-goals.js'

export const BUSINESS_PREFIX = 'biz_'

// Metrics travel through JSON and float arithmetic: 0.62 − 0.61 is 0.010000000000000009, which must
// count as exactly a tolerance of 0.01. Differences this small relative to the values are noise.
const RELATIVE_EPSILON = 1e-9

function allowance(tolerance: Tolerance, baseline: number): number {
  return tolerance.kind === 'absolute'
    ? Math.abs(tolerance.value)
    : Math.abs(tolerance.fraction) * Math.abs(baseline)
}

/** Improved, regressed or within tolerance, for a gated metric present on both sides. */
export function judge(baseline: number, candidate: number, goal: 'max' | 'min', tolerance: Tolerance): MetricStatus {
  // A run that logged NaN is broken; the side with a number is the better one.
  if (Number.isNaN(baseline) || Number.isNaN(candidate)) {
    if (Number.isNaN(baseline) && Number.isNaN(candidate)) return 'within-tolerance'
    return Number.isNaN(candidate) ? 'regressed' : 'improved'
  }
  const gain = goal === 'max' ? candidate - baseline : baseline - candidate
  if (Number.isNaN(gain)) return 'within-tolerance' // the same infinity on both sides
  const finiteMagnitudes = [baseline, candidate].filter(Number.isFinite).map(Math.abs)
  const epsilon = RELATIVE_EPSILON * Math.max(0, ...finiteMagnitudes)
  const allowed = allowance(tolerance, baseline)
  if (gain - allowed > epsilon) return 'improved'
  if (-gain - allowed > epsilon) return 'regressed'
  return 'within-tolerance'
}

function compareMetric(
  key: string,
  baseline: number | undefined,
  candidate: number | undefined,
  rule: { goal: Goal; tolerance: Tolerance },
): MetricDelta {
  const { goal, tolerance } = rule
  const base = { key, goal, tolerance }
  if (baseline === undefined) return { ...base, candidate, gated: false, status: 'new' }
  if (candidate === undefined) return { ...base, baseline, gated: false, status: 'removed' }
  const delta = Number.isFinite(baseline) && Number.isFinite(candidate) ? candidate - baseline : undefined
  const deltaPercent = delta !== undefined && baseline !== 0 ? (delta / Math.abs(baseline)) * 100 : undefined
  const values = { ...base, baseline, candidate, delta, deltaPercent }
  if (goal === 'none') return { ...values, gated: false, status: 'informational' }
  return { ...values, gated: true, status: judge(baseline, candidate, goal, tolerance) }
}

// Plain code-unit order: the same on every machine, unlike localeCompare.
const byKey = <T extends { key: string }>(a: T, b: T): number => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)

function own(record: Record<string, number>, key: string): number | undefined
function own(record: Record<string, string>, key: string): string | undefined
function own(record: Record<string, number | string>, key: string): number | string | undefined {
  return Object.prototype.hasOwnProperty.call(record, key) ? record[key] : undefined
}

function diffParams(candidate: Record<string, string>, baseline: Record<string, string>): ParamChange[] {
  const keys = new Set([...Object.keys(candidate), ...Object.keys(baseline)])
  const changes: ParamChange[] = []
  for (const key of keys) {
    const before = own(baseline, key)
    const after = own(candidate, key)
    if (before !== after) changes.push({ key, baseline: before, candidate: after })
  }
  return changes.sort(byKey)
}

function verdictOf(hasBaseline: boolean, regressions: number, improvements: number): Verdict {
  if (!hasBaseline) return 'no-baseline'
  if (regressions > 0) return 'worse'
  return improvements > 0 ? 'better' : 'unchanged'
}

/**
 * Compares every metric of the two runs with its goal and tolerance from `rules`, lists the params
 * that differ, and gives the verdict. Without a baseline every metric is `new`.
 */
export function compareRuns(candidate: RunData, baseline: RunData | undefined, rules: MetricRules): Comparison {
  const baselineMetrics = baseline?.metrics ?? {}
  const keys = new Set([...Object.keys(candidate.metrics), ...Object.keys(baselineMetrics)])
  const deltas = [...keys]
    .map((key) => compareMetric(key, own(baselineMetrics, key), own(candidate.metrics, key), ruleFor(key, rules)))
    .sort(byKey)

  const counts = Object.fromEntries(METRIC_STATUSES.map((status) => [status, 0])) as Record<MetricStatus, number>
  for (const delta of deltas) counts[delta.status] += 1
  const regressions = deltas.filter((delta) => delta.gated && delta.status === 'regressed')
  const improvements = deltas.filter((delta) => delta.gated && delta.status === 'improved')

  return {
    verdict: verdictOf(baseline !== undefined, regressions.length, improvements.length),
    metrics: deltas.filter((delta) => !delta.key.startsWith(BUSINESS_PREFIX)),
    business: deltas.filter((delta) => delta.key.startsWith(BUSINESS_PREFIX)),
    paramChanges: baseline ? diffParams(candidate.params, baseline.params) : [],
    counts,
    regressions,
    improvements,
  }
}
