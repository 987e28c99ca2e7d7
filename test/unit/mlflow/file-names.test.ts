import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { MlflowStoreError } from '../../../src/mlflow/store-error.js'
import {
  parseVersion,
  pathNotUnique,
  validateAlias,
  validateAliasNotReserved,
  validateExperimentName,
  validateKey,
  validateModelName,
  validateRunId,
} from '../../../src/mlflow/mlflow-names.js'

const refused = (fn: () => void) =>
  assert.throws(fn, (error: unknown) => error instanceof MlflowStoreError && error.errorCode === 'INVALID_PARAMETER_VALUE')

describe('MLflow name rules', () => {
  test("pathNotUnique matches Python's posixpath.normpath check", () => {
    // Each name's verdict as mlflow.utils.validation.path_not_unique gives it.
    const verdicts: Array<[string, boolean]> = [
      ['a', false],
      ['a/b', false],
      ['a.b', false],
      ['a/..b', false],
      ['', true],
      ['.', true],
      ['..', true],
      ['..a', true],
      ['/a', true],
      ['a/', true],
      ['a//b', true],
      ['a/./b', true],
      ['a/../b', true],
      ['./a', true],
    ]
    for (const [name, verdict] of verdicts) assert.equal(pathNotUnique(name), verdict, name)
  })

  test('metric, param and tag keys', () => {
    for (const key of ['test_f1', 'model.n_estimators', 'cv/f1 fold', 'mlflow.source.git.commit', 'a:b', 'précision']) {
      validateKey('metric', key)
    }
    for (const key of ['', '../etc/passwd', '/abs', 'a//b', 'a/', 'bad*char', 'new\nline', 'x'.repeat(251)]) {
      refused(() => validateKey('param', key))
    }
  })

  test('run ids', () => {
    validateRunId('0123456789abcdef0123456789abcdef')
    for (const id of ['', '../x', 'a/b', '-lead']) refused(() => validateRunId(id))
  })

  test('experiment names', () => {
    validateExperimentName('churn / v2')
    refused(() => validateExperimentName(''))
    refused(() => validateExperimentName('x'.repeat(501)))
  })

  test('registered model names', () => {
    validateModelName('BankChurnClassifier')
    validateModelName('churn model v2')
    for (const name of ['', '  ', 'a/b', 'a:b', 'a%b', '..', '.', '..x']) refused(() => validateModelName(name))
  })

  test('aliases', () => {
    validateAlias('champion')
    validateAlias('challenger-2_b')
    for (const alias of ['', 'a b', 'a/b', 'a.b']) refused(() => validateAlias(alias))
    for (const alias of ['latest', 'Latest', 'v1', 'V12']) refused(() => validateAliasNotReserved(alias))
    validateAliasNotReserved('v1x')
  })

  test('versions are integers', () => {
    assert.equal(parseVersion('3'), 3)
    assert.equal(parseVersion('03'), 3)
    refused(() => parseVersion('1.5'))
    refused(() => parseVersion('one'))
  })
})
