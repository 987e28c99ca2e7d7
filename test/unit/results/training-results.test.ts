import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { BusinessSettings, WorkspaceFile } from '../../../src/inputs/inputs.js'
import { InputError } from '../../../src/inputs/input-error.js'
import { readTrainingResults, type MetricPoint } from '../../../src/results/training-results.js'

const dir = mkdtempSync(join(tmpdir(), 'training-results-'))
after(() => rmSync(dir, { recursive: true, force: true }))

const SEED_BUSINESS: BusinessSettings = { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' }

let n = 0
function file(content: unknown, ext = 'json'): WorkspaceFile {
  const name = `results-${n++}.${ext}`
  const absolute = join(dir, name)
  writeFileSync(absolute, typeof content === 'string' ? content : JSON.stringify(content))
  return { input: `artifacts/${name}`, absolute, relative: `artifacts/${name}`, size: statSync(absolute).size }
}

const read = (content: unknown, business = SEED_BUSINESS, ext = 'json') => readTrainingResults(file(content, ext), business)

/** Step-0 values by key (fails on a second step-0 point). */
function latest(points: MetricPoint[]): Record<string, number> {
  const out: Record<string, number> = {}
  for (const p of points.filter((p) => p.step === 0)) {
    assert.ok(!(p.key in out), `two step-0 points for ${p.key}`)
    out[p.key] = p.value
  }
  return out
}

const steps = (points: MetricPoint[], key: string) => points.filter((p) => p.key === key).map((p) => [p.step, p.value])

function refused(content: unknown, ...patterns: RegExp[]) {
  const f = file(content)
  assert.throws(
    () => readTrainingResults(f, SEED_BUSINESS),
    (error: unknown) => {
      assert.ok(error instanceof InputError, String(error))
      assert.equal(error.source, f.input)
      assert.ok(error.message.startsWith(`${f.input}: `), error.message)
      for (const p of patterns) assert.match(error.message, p)
      return true
    },
  )
}

const SEED = {
  cv_results: { f1_mean: 0.62, f1_std: 0.02, roc_auc_mean: 0.85 },
  test_results: {
    metrics: { accuracy: 0.86, f1: 0.61, roc_auc: 0.86 },
    confusion_matrix: [
      [1520, 73],
      [198, 209],
    ],
  },
  history: { train_loss: [0.9, 0.7, 0.6], val_loss: [0.95, 0.8, 0.74] },
}

describe('the seed shape', () => {
  test('the SPEC example: cv_, test_, business metrics and history steps', () => {
    const results = read(SEED)
    assert.equal(results.shape, 'seed')
    assert.deepEqual(results.notices, [])
    assert.deepEqual(results.params, {})
    assert.deepEqual(latest(results.points), {
      cv_f1_mean: 0.62,
      cv_f1_std: 0.02,
      cv_roc_auc_mean: 0.85,
      test_accuracy: 0.86,
      test_f1: 0.61,
      test_roc_auc: 0.86,
      // As the seed's run_mlflow.py computes them (values checked against Python).
      biz_detected_churners: 209,
      biz_saved_customers: 62.699999999999996,
      biz_saved_revenue_usd: 144210,
      biz_false_positives: 73,
      biz_missed_churners: 198,
      train_loss: 0.9,
      val_loss: 0.95,
    })
    assert.deepEqual(steps(results.points, 'train_loss'), [[0, 0.9], [1, 0.7], [2, 0.6]])
    assert.deepEqual(steps(results.points, 'val_loss'), [[0, 0.95], [1, 0.8], [2, 0.74]])
  })

  test('contact_cost > 0 adds the campaign cost and the net value', () => {
    const metrics = latest(read(SEED, { ...SEED_BUSINESS, contactCost: 12.5 }).points)
    assert.equal(metrics.biz_campaign_cost_usd, (209 + 73) * 12.5)
    assert.equal(metrics.biz_net_value_usd, 144210 - 3525)
    assert.equal(latest(read(SEED).points).biz_campaign_cost_usd, undefined)
  })

  test('clv and retention_rate come from the business settings', () => {
    const metrics = latest(read(SEED, { clv: 1000, retentionRate: 0.5, contactCost: 0, currency: 'EUR' }).points)
    assert.equal(metrics.biz_saved_customers, 104.5)
    assert.equal(metrics.biz_saved_revenue_usd, 104500)
  })

  test('per-fold cv scores: mean, population std, and one step per fold', () => {
    const results = read({ cv_results: { f1: [0.6, 0.62, 0.64, 0.61, 0.63] } })
    const metrics = latest(results.points)
    // Python: sum(xs)/len(xs) and numpy.std (ddof=0) of the same list.
    assert.equal(metrics.cv_f1, 0.6199999999999999)
    assert.ok(Math.abs((metrics.cv_f1_std ?? NaN) - 0.014142135623730963) < 1e-15)
    assert.deepEqual(steps(results.points, 'cv_f1_fold'), [[0, 0.6], [1, 0.62], [2, 0.64], [3, 0.61], [4, 0.63]])
  })

  test('non-numbers are skipped with a notice that names the path', () => {
    const results = read({ cv_results: { f1_mean: 0.6, model_name: 'RandomForest', ok: true, extra: null }, test_results: { metrics: { f1: 0.5, report: { a: 1 } } } })
    assert.deepEqual(latest(results.points), { cv_f1_mean: 0.6, test_f1: 0.5 })
    assert.equal(results.notices.length, 4)
    const f = results.notices.join('\n')
    assert.match(f, /\$\.cv_results\.model_name is a string, not a number: not logged as a metric/)
    assert.match(f, /\$\.cv_results\.ok is a boolean/)
    assert.match(f, /\$\.cv_results\.extra is null/)
    assert.match(f, /\$\.test_results\.metrics\.report is a mapping/)
    assert.ok(results.notices.every((x) => x.startsWith('artifacts/results-')))
  })

  test('a params object is flattened into params', () => {
    const results = read({ test_results: { metrics: { f1: 0.5 } }, params: { model: { n_estimators: 200, class_weight: null, bootstrap: true }, features: ['a', 'b'], lr: 0.1 } })
    assert.deepEqual(results.params, {
      'model.n_estimators': '200',
      'model.class_weight': 'None',
      'model.bootstrap': 'True',
      features: '["a","b"]',
      lr: '0.1',
    })
  })

  test('the bank-churn fixture reads as expected', () => {
    const fixture = join(import.meta.dirname, '../../fixtures/workspaces/bank-churn/artifacts/training_results.json')
    const results = readTrainingResults(
      { input: 'artifacts/training_results.json', absolute: fixture, relative: 'artifacts/training_results.json', size: statSync(fixture).size },
      SEED_BUSINESS,
    )
    assert.equal(results.shape, 'seed')
    assert.deepEqual(results.params, { model_type: 'random_forest', cv_folds: '5' })
    assert.equal(steps(results.points, 'cv_f1_fold').length, 5)
    assert.equal(latest(results.points).test_f1, 0.6081)
    assert.equal(results.notices.length, 1)
  })

  test('a YAML results file', () => {
    const results = read('test_results:\n  metrics:\n    f1: 0.7\n', SEED_BUSINESS, 'yaml')
    assert.deepEqual(latest(results.points), { test_f1: 0.7 })
  })
})

describe('confusion matrices', () => {
  test('a 3×3 matrix gets no business metrics, and a notice says why', () => {
    const results = read({ test_results: { metrics: { f1: 0.5 }, confusion_matrix: [[1, 2, 3], [4, 5, 6], [7, 8, 9]] } })
    assert.deepEqual(latest(results.points), { test_f1: 0.5 })
    assert.equal(results.notices.length, 1)
    assert.match(results.notices[0] ?? '', /3×3; business metrics need a binary \(2×2\) one, so none were computed/)
  })

  test('a null confusion matrix is simply absent', () => {
    assert.deepEqual(latest(read({ test_results: { metrics: { f1: 0.5 }, confusion_matrix: null } }).points), { test_f1: 0.5 })
  })

  test('a malformed matrix is refused with its path', () => {
    refused({ test_results: { confusion_matrix: [[1, 2], [3]] } }, /at \$\.test_results\.confusion_matrix: expected a square matrix of non-negative integer counts/)
    refused({ test_results: { confusion_matrix: [[1, 2.5], [3, 4]] } }, /at \$\.test_results\.confusion_matrix\[0\]\[1\]: expected a square matrix/)
    refused({ test_results: { confusion_matrix: [[1, -2], [3, 4]] } }, /confusion_matrix\[0\]\[1\]/)
    refused({ test_results: { confusion_matrix: 'none' } }, /at \$\.test_results\.confusion_matrix:/)
    refused({ test_results: { confusion_matrix: [] } }, /at \$\.test_results\.confusion_matrix:/)
  })
})

describe('the mapping shape (DVC metrics.json)', () => {
  test('nested keys join with "."', () => {
    const results = read({ train: { loss: 0.2, acc: 0.9 }, eval: { scores: { f1: 0.6 } }, 'top-level': 3 })
    assert.equal(results.shape, 'mapping')
    assert.deepEqual(results.points, [
      { key: 'train.loss', value: 0.2, step: 0 },
      { key: 'train.acc', value: 0.9, step: 0 },
      { key: 'eval.scores.f1', value: 0.6, step: 0 },
      { key: 'top-level', value: 3, step: 0 },
    ])
    assert.deepEqual(results.params, {})
  })

  test('non-numbers are skipped with a notice', () => {
    const results = read({ acc: 0.9, note: 'x', curve: [1, 2] })
    assert.deepEqual(latest(results.points), { acc: 0.9 })
    assert.equal(results.notices.length, 2)
    assert.match(results.notices[1] ?? '', /\$\.curve is a list/)
  })
})

describe('refusals, each naming the file and the JSON path', () => {
  test('NaN and Infinity from Python\'s json.dump', () => {
    refused('{"test_results": {"metrics": {"f1": NaN}}}', /at \$\.test_results\.metrics\.f1: expected a finite number, got NaN/)
    refused('{"cv_results": {"f1": [0.5, Infinity]}}', /at \$\.cv_results\.f1\[1\]: expected a finite number, got Infinity/)
    refused('{"history": {"loss": [1, -Infinity]}}', /at \$\.history\.loss\[1\]: expected a finite number, got -Infinity/)
    refused('{"eval": {"rmse": NaN}}', /at \$\.eval\.rmse: expected a finite number, got NaN/)
    refused('{"a-b": {"c d": NaN}}', /at \$\["a-b"\]\["c d"\]: expected a finite number/)
  })

  test('.nan and .inf in a YAML results file', () => {
    const f = file('test_results:\n  metrics:\n    f1: .nan\n    auc: .inf\n', 'yaml')
    assert.throws(() => readTrainingResults(f, SEED_BUSINESS), /at \$\.test_results\.metrics\.f1: expected a finite number, got NaN/)
  })

  test('NaN in params is logged as Python writes it, not refused', () => {
    const results = read('{"test_results": {"metrics": {"f1": 0.5}}, "params": {"alpha": NaN, "beta": -Infinity}}')
    assert.deepEqual(results.params, { alpha: 'nan', beta: '-inf' })
  })

  test('an oversized file is refused (50 MB limit)', () => {
    const f = file(SEED)
    assert.throws(() => readTrainingResults({ ...f, size: 50 * 1024 * 1024 + 1 }, SEED_BUSINESS), /over the limit of 52428800 bytes/)
  })

  test('duplicate metric keys', () => {
    refused({ cv_results: { f1: [0.5, 0.6], f1_std: 0.1 } }, /at \$\.cv_results\.f1_std: gives metric "cv_f1_std" a second time \(first from \$\.cv_results\.f1\)/)
    refused({ a: { b: 1 }, 'a.b': 2 }, /gives metric "a\.b" a second time/)
    refused({ test_results: { metrics: { f1: 0.5 } }, history: { test_f1: [0.1] } }, /gives metric "test_f1" a second time/)
  })

  test('metric names MLflow would reject', () => {
    refused({ 'f1@macro': 0.5 }, /at \$\["f1@macro"\]: metric name "f1@macro" is not one MLflow accepts/)
    refused({ test_results: { metrics: { 'a/': 0.5 } } }, /metric name "test_a\/"/)
    // The DVC shape joins nested keys with '.', so a trailing slash there is refused too.
    refused({ ok: 1, 'x/': 0.5 }, /at \$\["x\/"\]: metric name "x\/" is not one MLflow accepts/)
    refused({ [`${'k'.repeat(251)}`]: 1 }, /at most 250/)
  })

  test('wrong types where a section belongs', () => {
    refused({ cv_results: [0.5] }, /at \$\.cv_results: expected a mapping of metric names to numbers, got a list/)
    refused({ test_results: 3 }, /at \$\.test_results: expected a mapping with "metrics"/)
    refused({ test_results: { metrics: [1] } }, /at \$\.test_results\.metrics: expected a mapping/)
    refused({ history: { loss: 0.5 } }, /at \$\.history\.loss: expected a list of numbers \(one per step\), got a number/)
    refused({ history: { loss: [0.5, 'x'] } }, /at \$\.history\.loss\[1\]: expected a number, got a string/)
    refused({ cv_results: { f1: [0.5, 'x'] } }, /at \$\.cv_results\.f1\[1\]: expected per-fold scores to be numbers/)
    refused({ cv_results: { f1: [] } }, /at \$\.cv_results\.f1: expected at least one fold score/)
    refused({ test_results: { metrics: { f1: 0.5 } }, params: [1] }, /at \$\.params: expected a mapping of parameter names/)
  })

  test('an empty file, a non-mapping and a file with no metric', () => {
    refused('', /expected JSON, but it does not parse/)
    refused('[1, 2]', /at \$: expected a mapping/, /got a list/)
    refused({}, /at \$: found no metric/)
    refused({ test_results: { metrics: {} } }, /found no metric/)
    const yaml = file('', 'yaml')
    assert.throws(() => readTrainingResults(yaml, SEED_BUSINESS), /at \$: expected a mapping .* got null/)
  })
})
