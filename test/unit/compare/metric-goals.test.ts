import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { inferGoal, ruleFor } from '../../../src/compare/metric-goals.js'
import type { MetricRules } from '../../../src/inputs/inputs.js'

const noRules: MetricRules = { exact: new Map(), globs: [] }

describe('inferGoal', () => {
  const expectations: Array<[string, 'max' | 'min' | 'none']> = [
    ['test_accuracy', 'max'],
    ['test_f1', 'max'],
    ['test_roc_auc', 'max'],
    ['cv_f1_mean', 'max'],
    ['precision', 'max'],
    ['recall', 'max'],
    ['r2', 'max'],
    ['biz_saved_revenue_usd', 'max'],
    ['biz_detected_churners', 'max'],
    ['biz_saved_customers', 'max'],
    ['biz_net_value_usd', 'max'],
    ['cv_f1_std', 'none'],
    ['cv_f1_std_fold', 'none'],
    ['val_loss_std', 'none'],
    ['train_loss', 'min'],
    ['val_loss', 'min'],
    ['trainLoss', 'min'],
    ['test_log_loss', 'min'],
    ['logloss', 'min'],
    ['mean_absolute_error', 'min'],
    ['test_mae', 'min'],
    ['test_mse', 'min'],
    ['test_rmse', 'min'],
    ['test_mape', 'min'],
    ['smape', 'min'],
    ['brier_score', 'min'],
    ['biz_false_positives', 'min'],
    ['biz_missed_churners', 'min'],
    ['biz_campaign_cost_usd', 'min'],
    ['inference_latency_ms', 'min'],
    ['fit_duration', 'min'],
    ['fit_time', 'min'],
    ['val/wer', 'min'],
    ['cer', 'min'],
    ['perplexity', 'min'],
    ['trainRMSE', 'min'],
    // Short words are whole tokens only.
    ['power', 'max'],
    ['answer_f1', 'max'],
    ['cancer_recall', 'max'],
    ['lifetime_value', 'max'],
    // scikit-learn's negated scorers: higher is better.
    ['test_neg_mean_squared_error', 'max'],
  ]
  for (const [key, goal] of expectations) {
    test(`${key} → ${goal}`, () => assert.equal(inferGoal(key), goal))
  }
})

describe('ruleFor', () => {
  test('without rules, the goal is inferred and the tolerance is 0', () => {
    assert.deepEqual(ruleFor('test_rmse', noRules), { goal: 'min', tolerance: { kind: 'absolute', value: 0 } })
  })

  test('an exact rule wins over globs and inference', () => {
    const rules: MetricRules = {
      exact: new Map([['biz_false_positives', { goal: 'max', tolerance: { kind: 'absolute', value: 3 } }]]),
      globs: [{ pattern: 'biz_*', rule: { goal: 'none', tolerance: { kind: 'relative', fraction: 0.05 } } }],
    }
    assert.deepEqual(ruleFor('biz_false_positives', rules), { goal: 'max', tolerance: { kind: 'absolute', value: 3 } })
    assert.deepEqual(ruleFor('biz_missed_churners', rules), {
      goal: 'none',
      tolerance: { kind: 'relative', fraction: 0.05 },
    })
  })

  test('the first matching glob wins', () => {
    const rules: MetricRules = {
      exact: new Map(),
      globs: [
        { pattern: 'cv_*_std', rule: { goal: 'none' } },
        { pattern: 'cv_*', rule: { goal: 'min', tolerance: { kind: 'absolute', value: 0.5 } } },
      ],
    }
    assert.equal(ruleFor('cv_f1_std', rules).goal, 'none')
    // The first glob matches, so the second one's tolerance does not apply either.
    assert.deepEqual(ruleFor('cv_f1_std', rules).tolerance, { kind: 'absolute', value: 0 })
    assert.deepEqual(ruleFor('cv_f1_mean', rules), { goal: 'min', tolerance: { kind: 'absolute', value: 0.5 } })
    assert.equal(ruleFor('test_f1', rules).goal, 'max')
  })

  test('each field falls back on its own: exact goal, glob tolerance, inferred goal', () => {
    const rules: MetricRules = {
      exact: new Map([
        ['biz_false_positives', { goal: 'none' }],
        ['test_f1', { tolerance: { kind: 'absolute', value: 0.01 } }],
      ]),
      globs: [{ pattern: 'biz_*', rule: { tolerance: { kind: 'relative', fraction: 0.02 } } }],
    }
    assert.deepEqual(ruleFor('biz_false_positives', rules), {
      goal: 'none',
      tolerance: { kind: 'relative', fraction: 0.02 },
    })
    assert.deepEqual(ruleFor('test_f1', rules), { goal: 'max', tolerance: { kind: 'absolute', value: 0.01 } })
    assert.deepEqual(ruleFor('biz_campaign_cost_usd', rules), {
      goal: 'min',
      tolerance: { kind: 'relative', fraction: 0.02 },
    })
  })

  test('globs use picomatch: braces and character classes; `*` does not cross `/`', () => {
    const rules: MetricRules = {
      exact: new Map(),
      globs: [
        { pattern: 'test_{f1,auc}', rule: { goal: 'none' } },
        { pattern: 'fold[0-9]_*', rule: { goal: 'min' } },
        { pattern: 'val/*', rule: { goal: 'min' } },
      ],
    }
    assert.equal(ruleFor('test_auc', rules).goal, 'none')
    assert.equal(ruleFor('test_accuracy', rules).goal, 'max')
    assert.equal(ruleFor('fold3_f1', rules).goal, 'min')
    assert.equal(ruleFor('val/f1', rules).goal, 'min')
    assert.equal(ruleFor('val/x/f1', rules).goal, 'max')
  })
})
