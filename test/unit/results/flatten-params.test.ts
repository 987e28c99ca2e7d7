import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { InputError } from '../../../src/inputs/input-error.js'
import { MAX_PARAM_VALUE_LENGTH } from '../../../src/mlflow/mlflow-names.js'
import { flattenParams, paramValue, pythonNumber } from '../../../src/results/flatten-params.js'
import { NON_FINITE } from '../../../src/results/read-data-file.js'

describe('flattenParams', () => {
  test('nested keys join with ".", values written as Python\'s MLflow client writes them', () => {
    assert.deepEqual(
      flattenParams(
        {
          model: { type: 'random_forest', n_estimators: 200, max_depth: null, warm: false, extra: {} },
          data: { test_size: 0.2, features: ['Age', 'Tenure'], when: new Date('2024-01-02T03:04:05Z') },
          mlflow: { enabled: true },
        },
        'configs/config.yaml',
      ),
      {
        'model.type': 'random_forest',
        'model.n_estimators': '200',
        'model.max_depth': 'None',
        'model.warm': 'False',
        'model.extra': '{}',
        'data.test_size': '0.2',
        'data.features': '["Age","Tenure"]',
        'data.when': '2024-01-02T03:04:05.000Z',
        'mlflow.enabled': 'True',
      },
    )
  })

  test('an empty mapping gives no params', () => {
    assert.deepEqual(flattenParams({}, 'c.yaml'), {})
  })

  test('a key MLflow would reject names the file and the path', () => {
    assert.throws(
      () => flattenParams({ model: { 'bad@key': 1 } }, 'configs/config.yaml'),
      (e: unknown) =>
        e instanceof InputError &&
        e.source === 'configs/config.yaml' &&
        /^configs\/config\.yaml: at \$\.model\.bad@key: param name "model\.bad@key" is not one MLflow accepts/.test(e.message),
    )
    assert.throws(() => flattenParams({ p: { 'x/../y': 1 } }, 'r.json', '$.params'), /at \$\.params\.p\.x\/\.\.\/y: param name/)
  })

  test('a value longer than MLflow keeps is refused', () => {
    assert.equal(flattenParams({ a: 'x'.repeat(MAX_PARAM_VALUE_LENGTH) }, 'c.yaml').a?.length, MAX_PARAM_VALUE_LENGTH)
    assert.throws(
      () => flattenParams({ a: { b: 'x'.repeat(MAX_PARAM_VALUE_LENGTH + 1) } }, 'c.yaml'),
      /^InputError: c\.yaml: at \$\.a\.b: the value has 6001 characters; MLflow keeps at most 6000$/,
    )
  })
})

describe('paramValue', () => {
  test('non-finite numbers read as Python writes them', () => {
    assert.equal(paramValue(Number.NaN), 'nan')
    assert.equal(paramValue(Infinity), 'inf')
    assert.equal(paramValue(-Infinity), '-inf')
    assert.equal(paramValue(`${NON_FINITE}NaN`), 'nan')
    assert.equal(paramValue(`${NON_FINITE}-Infinity`), '-inf')
    assert.equal(paramValue(undefined), 'None')
    assert.equal(paramValue(1.5), '1.5')
    assert.equal(paramValue('NaN'), 'NaN')
    assert.equal(paramValue([1, NaN, `${NON_FINITE}-Infinity`, 'x']), '[1,"nan","-inf","x"]')
  })
})

describe('numbers as Python writes them', () => {
  test('shortest digits, with an exponent where Python uses one', () => {
    const cases: Array<[number, string]> = [
      [200, '200'],
      [0.1, '0.1'],
      [0.0001, '0.0001'],
      [0.00001, '1e-05'],
      [1.5e-7, '1.5e-07'],
      [123456.789, '123456.789'],
      [1.5e16, '1.5e+16'],
      [-2.5e-5, '-2.5e-05'],
    ]
    for (const [n, python] of cases) assert.equal(pythonNumber(n), python, String(n))
  })
})
