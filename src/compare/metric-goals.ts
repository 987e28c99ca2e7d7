// Which way a metric should move, and how much slack it has: the `metrics` rules first, then the
// metric's name (SPEC sections 3 and 7).
import picomatch from 'picomatch'
import type { Goal, MetricRule, MetricRules, Tolerance } from '../inputs/inputs.js'

const NO_TOLERANCE: Tolerance = { kind: 'absolute', value: 0 }

// Long words are matched anywhere in the name (`val_loss`, `trainloss`, `mean_absolute_error`).
const LOWER_IS_BETTER_WORDS = [
  'loss',
  'error',
  'brier',
  'perplexity',
  'latency',
  'duration',
  'missed',
  'cost',
  'false_positive',
  'false_negative',
  'falsepositive',
  'falsenegative',
]

// Short words only as a whole token, so `power` is not `wer`, `cancer` not `cer`, `lifetime` not `time`.
const LOWER_IS_BETTER_TOKENS = new Set([
  'mae',
  'mse',
  'rmse',
  'msle',
  'rmsle',
  'mape',
  'smape',
  'wape',
  'wer',
  'cer',
  'ter',
  'ppl',
  'fpr',
  'fnr',
  'miss',
  'time',
  'times',
  'runtime',
  'walltime',
  'seconds',
  'secs',
  'ms',
])

// A spread across folds says nothing about which model is better.
// Spread, and single folds: the fold mean (`cv_f1`) is what a verdict should rest on.
const INFORMATIONAL_TOKENS = new Set(['std', 'stddev', 'stdev', 'fold'])

/** Splits `test_f1`, `val/loss`, `trainRMSE`, `cv.f1-std` into lower-case tokens. */
function tokens(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((token) => token !== '')
}

/**
 * The goal a metric's name suggests: `none` for spreads (`_std`), `min` for losses, errors, costs,
 * times and misses, `max` for everything else (accuracy, f1, auc, r2, revenue, …).
 * A `neg` token (scikit-learn's `neg_mean_squared_error`) means the sign was flipped: `max`.
 */
export function inferGoal(key: string): Goal {
  const parts = tokens(key)
  if (parts.some((part) => INFORMATIONAL_TOKENS.has(part))) return 'none'
  const joined = parts.join('_')
  const lowerIsBetter =
    LOWER_IS_BETTER_WORDS.some((word) => joined.includes(word)) ||
    parts.some((part) => LOWER_IS_BETTER_TOKENS.has(part))
  if (!lowerIsBetter) return 'max'
  return parts.includes('neg') ? 'max' : 'min'
}

const matchers = new Map<string, (key: string) => boolean>()

function globMatches(pattern: string, key: string): boolean {
  let matcher = matchers.get(pattern)
  if (!matcher) {
    // Fixed options so a metric name matches the same way on every runner OS.
    matcher = picomatch(pattern, { windows: false, dot: true })
    matchers.set(pattern, matcher)
  }
  return matcher(key)
}

/**
 * The goal and tolerance of one metric. Each field comes from the exact rule for the key if it sets
 * it, else from the first glob rule (in the order listed) that matches the key, else the goal is
 * inferred from the name and the tolerance is 0.
 */
export function ruleFor(key: string, rules: MetricRules): { goal: Goal; tolerance: Tolerance } {
  const exact: MetricRule | undefined = rules.exact.get(key)
  const glob: MetricRule | undefined = rules.globs.find(({ pattern }) => globMatches(pattern, key))?.rule
  return {
    goal: exact?.goal ?? glob?.goal ?? inferGoal(key),
    tolerance: exact?.tolerance ?? glob?.tolerance ?? NO_TOLERANCE,
  }
}
