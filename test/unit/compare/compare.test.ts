import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compareRuns, judge } from '../../../src/compare/compare.js'
import type { MetricDelta } from '../../../src/compare/comparison.js'
import type { MetricRule, MetricRules } from '../../../src/inputs/inputs.js'
import type { RunData } from '../../../src/mlflow/entities.js'

const data = (metrics: Record<string, number>, params: Record<string, string> = {}): RunData => ({
  metrics,
  params,
  tags: {},
})
const rulesOf = (exact: Record<string, MetricRule> = {}, globs: MetricRules['globs'] = []): MetricRules => ({
  exact: new Map(Object.entries(exact)),
  globs,
})
const abs = (value: number) => ({ kind: 'absolute', value }) as const
const rel = (fraction: number) => ({ kind: 'relative', fraction }) as const

function metric(key: string, candidate: RunData, baseline: RunData | undefined, rules = rulesOf()): MetricDelta {
  const comparison = compareRuns(candidate, baseline, rules)
  const found = [...comparison.metrics, ...comparison.business].find((delta) => delta.key === key)
  assert.ok(found, `no delta for ${key}`)
  return found
}

describe('tolerance', () => {
  test('absolute: worse by more than the tolerance regresses, by exactly the tolerance does not', () => {
    assert.equal(judge(0.62, 0.61, 'max', abs(0.01)), 'within-tolerance')
    assert.equal(judge(0.61, 0.62, 'max', abs(0.01)), 'within-tolerance')
    assert.equal(judge(0.62, 0.6, 'max', abs(0.01)), 'regressed')
    assert.equal(judge(0.6, 0.62, 'max', abs(0.01)), 'improved')
    assert.equal(judge(0.3, 0.1 + 0.2, 'max', abs(0)), 'within-tolerance')
  })

  test('absolute 0 by default: any real change counts', () => {
    assert.equal(metric('test_f1', data({ test_f1: 0.6101 }), data({ test_f1: 0.61 })).status, 'improved')
    assert.equal(metric('test_f1', data({ test_f1: 0.6099 }), data({ test_f1: 0.61 })).status, 'regressed')
    assert.equal(metric('test_f1', data({ test_f1: 0.61 }), data({ test_f1: 0.61 })).status, 'within-tolerance')
  })

  test('relative: a fraction of |baseline|', () => {
    // 2% of 100 is 2.
    assert.equal(judge(100, 102, 'min', rel(0.02)), 'within-tolerance')
    assert.equal(judge(100, 102.01, 'min', rel(0.02)), 'regressed')
    assert.equal(judge(100, 97.9, 'min', rel(0.02)), 'improved')
    // |baseline|, so a negative baseline gives a positive allowance.
    assert.equal(judge(-50, -51, 'max', rel(0.02)), 'within-tolerance')
    assert.equal(judge(-50, -52, 'max', rel(0.02)), 'regressed')
    // 2% of 0 is 0.
    assert.equal(judge(0, 0.001, 'max', rel(0.02)), 'improved')
  })

  test('the goal decides the direction', () => {
    assert.equal(judge(0.35, 0.34, 'min', abs(0)), 'improved')
    assert.equal(judge(0.35, 0.34, 'max', abs(0)), 'regressed')
  })

  test('NaN and infinities', () => {
    assert.equal(judge(0.5, Number.NaN, 'min', abs(0)), 'regressed')
    assert.equal(judge(Number.NaN, 0.5, 'min', abs(0)), 'improved')
    assert.equal(judge(Number.NaN, Number.NaN, 'min', abs(0)), 'within-tolerance')
    assert.equal(judge(0.5, Number.POSITIVE_INFINITY, 'min', abs(1)), 'regressed')
    assert.equal(judge(Number.POSITIVE_INFINITY, Number.POSITIVE_INFINITY, 'min', abs(0)), 'within-tolerance')
  })

  test('rules from the metrics input apply', () => {
    const rules = rulesOf({ test_rmse: { goal: 'min', tolerance: rel(0.02) }, cv_f1_std: { goal: 'none' } })
    const candidate = data({ test_rmse: 10.1, cv_f1_std: 0.5 })
    const baseline = data({ test_rmse: 10, cv_f1_std: 0.1 })
    assert.equal(metric('test_rmse', candidate, baseline, rules).status, 'within-tolerance')
    const std = metric('cv_f1_std', candidate, baseline, rules)
    assert.equal(std.status, 'informational')
    assert.equal(std.gated, false)
  })
})

describe('compareRuns', () => {
  test('deltas, percentages and fields of a gated metric', () => {
    const delta = metric('test_f1', data({ test_f1: 0.65 }), data({ test_f1: 0.5 }))
    assert.equal(delta.baseline, 0.5)
    assert.equal(delta.candidate, 0.65)
    assert.ok(Math.abs((delta.delta ?? 0) - 0.15) < 1e-12)
    assert.ok(Math.abs((delta.deltaPercent ?? 0) - 30) < 1e-9)
    assert.equal(delta.goal, 'max')
    assert.equal(delta.gated, true)
    assert.deepEqual(delta.tolerance, abs(0))
    assert.equal(delta.status, 'improved')
  })

  test('Δ % is relative to |baseline| and absent for a zero baseline', () => {
    assert.equal(metric('score', data({ score: -1 }), data({ score: -2 })).deltaPercent, 50)
    assert.equal(metric('score', data({ score: 1 }), data({ score: 0 })).deltaPercent, undefined)
  })

  test('a metric on one side only is new or removed, never gated', () => {
    const comparison = compareRuns(data({ a_f1: 1, b_f1: 2 }), data({ b_f1: 2, c_f1: 3 }), rulesOf())
    const byKey = Object.fromEntries(comparison.metrics.map((delta) => [delta.key, delta]))
    assert.equal(byKey.a_f1?.status, 'new')
    assert.equal(byKey.a_f1?.gated, false)
    assert.equal(byKey.c_f1?.status, 'removed')
    assert.equal(byKey.c_f1?.baseline, 3)
    assert.equal(byKey.c_f1?.gated, false)
    assert.equal(comparison.verdict, 'unchanged')
    assert.deepEqual(comparison.regressions, [])
  })

  test('biz_ metrics go to business, the rest to metrics, each sorted by key', () => {
    const comparison = compareRuns(
      data({ test_f1: 1, biz_saved_revenue_usd: 2, cv_f1_mean: 3, biz_false_positives: 4 }),
      data({}),
      rulesOf(),
    )
    assert.deepEqual(
      comparison.metrics.map((delta) => delta.key),
      ['cv_f1_mean', 'test_f1'],
    )
    assert.deepEqual(
      comparison.business.map((delta) => delta.key),
      ['biz_false_positives', 'biz_saved_revenue_usd'],
    )
  })

  test('counts, regressions and improvements cover both tables', () => {
    const comparison = compareRuns(
      data({ test_f1: 0.7, test_loss: 0.5, biz_false_positives: 10, cv_f1_std: 1, fresh_f1: 1, same_auc: 0.8 }),
      data({ test_f1: 0.6, test_loss: 0.4, biz_false_positives: 12, cv_f1_std: 2, old_f1: 1, same_auc: 0.8 }),
      rulesOf(),
    )
    assert.deepEqual(comparison.counts, {
      improved: 2,
      regressed: 1,
      'within-tolerance': 1,
      new: 1,
      removed: 1,
      informational: 1,
    })
    assert.deepEqual(
      comparison.regressions.map((delta) => delta.key),
      ['test_loss'],
    )
    assert.deepEqual(
      comparison.improvements.map((delta) => delta.key),
      ['biz_false_positives', 'test_f1'],
    )
  })

  test('a metric named like an Object.prototype member is only taken from the run', () => {
    const comparison = compareRuns(data({ constructor: 1 }), data({}), rulesOf())
    assert.equal(comparison.metrics[0]?.status, 'new')
    assert.equal(compareRuns(data({}), data({ toString: 1 }), rulesOf()).metrics[0]?.status, 'removed')
  })
})

describe('verdict', () => {
  const verdict = (candidate: Record<string, number>, baseline: Record<string, number> | undefined, rules = rulesOf()) =>
    compareRuns(data(candidate), baseline ? data(baseline) : undefined, rules).verdict

  test('no baseline', () => {
    assert.equal(verdict({ test_f1: 0.5 }, undefined), 'no-baseline')
  })

  test('any gated regression makes it worse, even with improvements', () => {
    assert.equal(verdict({ test_f1: 0.7, test_loss: 0.5 }, { test_f1: 0.6, test_loss: 0.4 }), 'worse')
  })

  test('a business metric regression makes it worse', () => {
    assert.equal(verdict({ test_f1: 0.7, biz_missed_churners: 200 }, { test_f1: 0.6, biz_missed_churners: 190 }), 'worse')
  })

  test('at least one improvement and no regression is better', () => {
    assert.equal(verdict({ test_f1: 0.7, test_auc: 0.8 }, { test_f1: 0.6, test_auc: 0.8 }), 'better')
  })

  test('only changes within tolerance or informational is unchanged', () => {
    const rules = rulesOf({ test_f1: { tolerance: abs(0.01) } })
    assert.equal(verdict({ test_f1: 0.61, cv_f1_std: 0.5 }, { test_f1: 0.62, cv_f1_std: 0.1 }, rules), 'unchanged')
  })

  test('an informational metric never regresses the verdict', () => {
    const rules = rulesOf({}, [{ pattern: 'test_*', rule: { goal: 'none' } }])
    assert.equal(verdict({ test_f1: 0.1 }, { test_f1: 0.9 }, rules), 'unchanged')
  })

  test('without a baseline every metric is new', () => {
    const comparison = compareRuns(data({ test_f1: 0.5, biz_saved_revenue_usd: 100 }), undefined, rulesOf())
    assert.equal(comparison.counts.new, 2)
    assert.ok([...comparison.metrics, ...comparison.business].every((delta) => delta.status === 'new' && !delta.gated))
    assert.deepEqual(comparison.paramChanges, [])
  })
})

describe('param changes', () => {
  test('changed, added and removed params, sorted by key; equal ones left out', () => {
    const comparison = compareRuns(
      data({}, { 'model.n_estimators': '200', seed: '42', new_flag: 'true', B: '1' }),
      data({}, { 'model.n_estimators': '100', seed: '42', old_flag: 'x', a: '2' }),
      rulesOf(),
    )
    assert.deepEqual(comparison.paramChanges, [
      { key: 'B', baseline: undefined, candidate: '1' },
      { key: 'a', baseline: '2', candidate: undefined },
      { key: 'model.n_estimators', baseline: '100', candidate: '200' },
      { key: 'new_flag', baseline: undefined, candidate: 'true' },
      { key: 'old_flag', baseline: 'x', candidate: undefined },
    ])
  })

  test('an empty value differs from a missing one', () => {
    const comparison = compareRuns(data({}, { note: '' }), data({}, {}), rulesOf())
    assert.deepEqual(comparison.paramChanges, [{ key: 'note', baseline: undefined, candidate: '' }])
  })
})
