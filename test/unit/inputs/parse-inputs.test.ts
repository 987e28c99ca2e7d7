import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { InputError } from '../../../src/inputs/input-error.js'
import { INPUT_DEFAULTS, type InputName } from '../../../src/inputs/input-names.js'
import {
  parseBaseline,
  parseBusiness,
  parseInputs,
  parseMetricRules,
  redact,
  validateKey,
} from '../../../src/inputs/parse-inputs.js'

// A workspace with the default results file, a config and an MLflow model directory.
const workspace = realpathSync(mkdtempSync(join(tmpdir(), 'parse-inputs-')))
mkdirSync(join(workspace, 'artifacts'))
writeFileSync(join(workspace, 'artifacts/training_results.json'), '{"test_results": {"metrics": {"f1": 0.6}}}')
mkdirSync(join(workspace, 'models/churn'), { recursive: true })
writeFileSync(join(workspace, 'models/churn/MLmodel'), 'flavors: {}\n')
writeFileSync(join(workspace, 'models/churn/model.pkl'), 'pickle')
after(() => rmSync(workspace, { recursive: true, force: true }))

/** Reads inputs as the runner gives them: every unset input has its action.yml default. */
function parse(values: Partial<Record<InputName, string>> = {}, env: NodeJS.ProcessEnv = {}, repository = 'acme/churn-repo', filesMayBeMissing = false) {
  return parseInputs((name) => values[name] ?? INPUT_DEFAULTS[name], { workspace, env, repository, filesMayBeMissing })
}

/** Asserts an InputError for `input` whose message matches every pattern. */
function rejects(fn: () => unknown, input: string, ...patterns: RegExp[]) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, `expected an InputError, got ${String(error)}`)
    assert.equal(error.source, input)
    assert.ok(error.message.startsWith(`${input}: `), error.message)
    for (const p of patterns) assert.match(error.message, p)
    return true
  })
}

describe('parseInputs defaults', () => {
  test('with nothing set, every input takes its documented default', () => {
    const inputs = parse()
    assert.equal(inputs.workspace, workspace)
    assert.equal(inputs.trackingUri, 'file:./mlruns')
    assert.equal(inputs.experimentName, 'churn-repo')
    assert.equal(inputs.results?.relative, 'artifacts/training_results.json')
    assert.equal(inputs.results?.absolute, join(workspace, 'artifacts/training_results.json'))
    assert.deepEqual(inputs.paramsFiles, [])
    assert.deepEqual(inputs.params, [])
    assert.deepEqual(inputs.artifacts, [])
    assert.deepEqual(inputs.unmatchedArtifactPatterns, [])
    assert.equal(inputs.modelPath, undefined)
    assert.equal(inputs.modelName, undefined)
    assert.equal(inputs.baseline, undefined)
    assert.deepEqual(inputs.metrics, { exact: new Map(), globs: [] })
    assert.equal(inputs.failOnRegression, false)
    assert.deepEqual(inputs.business, { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' })
    assert.deepEqual(inputs.tags, [])
    assert.equal(inputs.runName, undefined)
    assert.equal(inputs.githubToken, undefined)
    assert.equal(inputs.comment, 'auto')
    assert.equal(inputs.commentKey, 'churn-repo')
    assert.equal(inputs.register, 'never')
    assert.equal(inputs.registerAlias, 'champion')
    assert.equal(inputs.registerStage, undefined)
    assert.equal(inputs.registerIf, 'not-worse')
  })

  test('tracking-uri: the input, else MLFLOW_TRACKING_URI, else file:./mlruns', () => {
    assert.equal(parse({ 'tracking-uri': 'http://mlflow:5000' }, { MLFLOW_TRACKING_URI: 'http://other' }).trackingUri, 'http://mlflow:5000')
    assert.equal(parse({}, { MLFLOW_TRACKING_URI: ' https://mlflow.example.com ' }).trackingUri, 'https://mlflow.example.com')
    assert.equal(parse({}, { MLFLOW_TRACKING_URI: '' }).trackingUri, 'file:./mlruns')
    assert.equal(parse({ 'tracking-uri': 'file:///tmp/mlruns' }).trackingUri, 'file:///tmp/mlruns')
  })

  test('tracking-uri: a bare path is a file store, as MLflow treats it', () => {
    assert.equal(parse({ 'tracking-uri': './mlruns' }).trackingUri, 'file:./mlruns')
    assert.equal(parse({ 'tracking-uri': '/data/mlruns' }).trackingUri, 'file:/data/mlruns')
  })

  test('tracking-uri: other schemes are refused, and credentials in the URI are never echoed', () => {
    rejects(() => parse({ 'tracking-uri': 'sqlite:///mlflow.db' }), 'tracking-uri', /not supported/, /http\(s\):\/\/ tracking server or a file: store/)
    rejects(() => parse({ 'tracking-uri': 'databricks' }), 'tracking-uri', /not supported/)
    assert.throws(
      () => parse({ 'tracking-uri': 'postgresql://admin:hunter2@db/mlflow' }),
      (e: Error) => e instanceof InputError && !e.message.includes('hunter2') && e.message.includes('***@db'),
    )
    assert.throws(
      () => parse({ 'tracking-uri': 'http://user:s3cret@[bad' }),
      (e: Error) => e instanceof InputError && /not a valid URL/.test(e.message) && !e.message.includes('s3cret'),
    )
    assert.equal(redact('https://u:p@host/x'), 'https://***@host/x')
  })

  test('experiment-name: the input, else MLFLOW_EXPERIMENT_NAME, else the repository name', () => {
    assert.equal(parse({ 'experiment-name': 'BankChurn' }, { MLFLOW_EXPERIMENT_NAME: 'FromEnv' }).experimentName, 'BankChurn')
    assert.equal(parse({}, { MLFLOW_EXPERIMENT_NAME: 'FromEnv' }).experimentName, 'FromEnv')
    assert.equal(parse({}, {}, 'acme/churn-repo').experimentName, 'churn-repo')
    rejects(
      () => parseInputs((name) => INPUT_DEFAULTS[name], { workspace, env: {} }),
      'experiment-name',
      /MLFLOW_EXPERIMENT_NAME/,
    )
  })

  test('comment-key defaults to the experiment name', () => {
    assert.equal(parse({ 'experiment-name': 'Exp A' }).commentKey, 'Exp A')
    assert.equal(parse({ 'experiment-name': 'Exp A', 'comment-key': 'model-b' }).commentKey, 'model-b')
  })

  test('run-name and github-token are kept when set', () => {
    const inputs = parse({ 'run-name': 'nightly', 'github-token': 'ghs_x' })
    assert.equal(inputs.runName, 'nightly')
    assert.equal(inputs.githubToken, 'ghs_x')
  })
})

describe('booleans and choices', () => {
  test('fail-on-regression takes the YAML 1.2 core booleans', () => {
    for (const v of ['true', 'True', 'TRUE']) assert.equal(parse({ 'fail-on-regression': v }).failOnRegression, true)
    for (const v of ['false', 'False', 'FALSE', '']) assert.equal(parse({ 'fail-on-regression': v }).failOnRegression, false)
  })

  test('fail-on-regression refuses anything else, saying what it expects', () => {
    for (const v of ['yes', '1', 'on', 'tru']) rejects(() => parse({ 'fail-on-regression': v }), 'fail-on-regression', /expected true or false/)
  })

  test('comment, register and register-if accept their choices and name them when wrong', () => {
    for (const v of ['auto', 'always', 'never'] as const) assert.equal(parse({ comment: v }).comment, v)
    for (const v of ['always', 'not-worse', 'better'] as const) assert.equal(parse({ 'register-if': v }).registerIf, v)
    rejects(() => parse({ comment: 'sometimes' }), 'comment', /expected one of auto, always, never/)
    rejects(() => parse({ register: 'on_merge' }), 'register', /expected one of never, on-merge, always/)
    rejects(() => parse({ 'register-if': 'improved' }), 'register-if', /expected one of always, not-worse, better/)
  })
})

describe('metrics', () => {
  test('exact and glob keys, goals and tolerances', () => {
    const rules = parseMetricRules(
      ['test_f1: {goal: max, tolerance: 0.01}', 'test_rmse: {goal: min, tolerance: 2%}', 'cv_f1_std: {goal: none}', 'biz_*: {goal: max}', 'loss_?:', 'test_acc:'].join('\n'),
    )
    assert.deepEqual([...rules.exact.entries()], [
      ['test_f1', { goal: 'max', tolerance: { kind: 'absolute', value: 0.01 } }],
      ['test_rmse', { goal: 'min', tolerance: { kind: 'relative', fraction: 0.02 } }],
      ['cv_f1_std', { goal: 'none' }],
      ['test_acc', {}],
    ])
    assert.deepEqual(rules.globs, [
      { pattern: 'biz_*', rule: { goal: 'max' } },
      { pattern: 'loss_?', rule: {} },
    ])
  })

  test('a percentage tolerance is a relative fraction', () => {
    const rule = parseMetricRules('a: {tolerance: "0.5 %"}').exact.get('a')
    assert.deepEqual(rule, { tolerance: { kind: 'relative', fraction: 0.005 } })
    assert.deepEqual(parseMetricRules('a: {tolerance: 0}').exact.get('a'), { tolerance: { kind: 'absolute', value: 0 } })
  })

  test('empty text means no rules', () => {
    assert.deepEqual(parseMetricRules('  \n'), { exact: new Map(), globs: [] })
  })

  test('a bad goal, a bad tolerance and an unknown key are refused with the metric named', () => {
    rejects(() => parseMetricRules('test_f1: {goal: maximize}'), 'metrics', /"max"\|"min"\|"none"/, /test_f1\.goal/)
    rejects(() => parseMetricRules('test_f1: {tolerance: lots}'), 'metrics', /a number or a percentage such as "2%"/, /test_f1\.tolerance/)
    rejects(() => parseMetricRules('test_f1: {tolerance: -0.1}'), 'metrics', />=0/, /test_f1\.tolerance/)
    rejects(() => parseMetricRules('test_f1: {goal: max, tolerence: 0.1}'), 'metrics', /Unrecognized key: "tolerence"/, /test_f1/)
    rejects(() => parseMetricRules('test_f1: 0.01'), 'metrics', /expected object/, /test_f1/)
  })

  test('a YAML list or YAML that does not parse is refused', () => {
    rejects(() => parseMetricRules('- test_f1'), 'metrics', /expected record/)
    rejects(() => parseMetricRules('test_f1: {goal: max'), 'metrics', /expected a YAML mapping, but it does not parse/)
  })
})

describe('business', () => {
  test('defaults are the seed: clv 2300, retention 0.3, no contact cost, USD', () => {
    assert.deepEqual(parseBusiness(''), { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' })
    assert.deepEqual(parseBusiness('# nothing set\n'), { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' })
  })

  test('set values are used, currency upper-cased', () => {
    assert.deepEqual(parseBusiness('clv: 1800\nretention_rate: 0.25\ncontact_cost: 12.5\ncurrency: eur'), {
      clv: 1800,
      retentionRate: 0.25,
      contactCost: 12.5,
      currency: 'EUR',
    })
  })

  test('bad values and unknown keys are refused, naming the key', () => {
    rejects(() => parseBusiness('currency: dollars'), 'business', /three-letter ISO 4217 currency code/, /currency/)
    rejects(() => parseBusiness('clv: lots'), 'business', /expected number/, /clv/)
    rejects(() => parseBusiness('retention_rate: 1.5'), 'business', /<=1/, /retention_rate/)
    rejects(() => parseBusiness('contact_cost: -1'), 'business', />=0/, /contact_cost/)
    rejects(() => parseBusiness('retention: 0.3'), 'business', /Unrecognized key: "retention"/)
    rejects(() => parseBusiness('[1, 2]'), 'business', /expected object/)
  })

  test('parseInputs reads the business input', () => {
    assert.equal(parse({ business: 'clv: 100' }).business.clv, 100)
    rejects(() => parse({ business: 'currency: 12' }), 'business')
  })
})

describe('baseline', () => {
  test('every accepted form', () => {
    assert.deepEqual(parseBaseline('models:/Churn@champion', undefined), { kind: 'alias', modelName: 'Churn', alias: 'champion', uri: 'models:/Churn@champion' })
    assert.deepEqual(parseBaseline('models:/Churn/Production', undefined), { kind: 'stage', modelName: 'Churn', stage: 'Production', uri: 'models:/Churn/Production' })
    assert.deepEqual(parseBaseline('models:/Churn/staging', undefined), { kind: 'stage', modelName: 'Churn', stage: 'Staging', uri: 'models:/Churn/staging' })
    assert.deepEqual(parseBaseline('models:/Churn/3', undefined), { kind: 'version', modelName: 'Churn', version: '3', uri: 'models:/Churn/3' })
    assert.deepEqual(parseBaseline('models:/Churn/latest', undefined), { kind: 'latest', modelName: 'Churn', uri: 'models:/Churn/latest' })
    assert.deepEqual(parseBaseline('models:/Churn/Latest', undefined), { kind: 'latest', modelName: 'Churn', uri: 'models:/Churn/Latest' })
    assert.deepEqual(parseBaseline('runs:/0123abcd/model', undefined), { kind: 'run', runId: '0123abcd', uri: 'runs:/0123abcd/model' })
    assert.deepEqual(parseBaseline('runs:/0123abcd', undefined), { kind: 'run', runId: '0123abcd', uri: 'runs:/0123abcd' })
    assert.deepEqual(parseBaseline('branch:main', undefined), { kind: 'branch', branch: 'main', uri: 'branch:main' })
    assert.deepEqual(parseBaseline('branch:feature/x', undefined), { kind: 'branch', branch: 'feature/x', uri: 'branch:feature/x' })
  })

  test('defaults to models:/<model-name>@champion, and to none without a model name', () => {
    assert.deepEqual(parseBaseline('', 'BankChurn'), { kind: 'alias', modelName: 'BankChurn', alias: 'champion', uri: 'models:/BankChurn@champion' })
    assert.equal(parseBaseline('', undefined), undefined)
    assert.equal(parseBaseline('branch:main', 'BankChurn')?.kind, 'branch')
    assert.deepEqual(parse({ 'model-name': 'BankChurn' }).baseline, parseBaseline('', 'BankChurn'))
  })

  test('garbage is refused with the accepted forms listed', () => {
    for (const bad of ['champion', 'models:/Churn', 'models:/Churn/Prod', 'models:/Churn@bad alias', 'runs:/', 'branch:', 's3://bucket/model']) {
      rejects(() => parseBaseline(bad, undefined), 'baseline')
    }
    rejects(() => parseBaseline('champion', undefined), 'baseline', /"champion" is not a baseline/, /models:\/Name@alias/, /runs:\/<run_id>/, /branch:<name>/)
    rejects(() => parseBaseline('models:/Churn/Prod', undefined), 'baseline', /"Prod" is not a version number, "latest" or a stage \(None, Staging, Production, Archived\)/)
    rejects(() => parse({ baseline: 'nope' }), 'baseline')
  })
})

describe('registering', () => {
  test('register needs a model-name, then a model-path', () => {
    rejects(() => parse({ register: 'on-merge' }), 'model-name', /register: on-merge needs a model-name/)
    rejects(() => parse({ register: 'always', 'model-name': 'Churn' }), 'model-path', /register: always needs a model/)
    const inputs = parse({ register: 'always', 'model-name': 'Churn', 'model-path': 'models/churn' })
    assert.equal(inputs.register, 'always')
    assert.equal(inputs.modelPath?.kind, 'mlflow-model-dir')
    assert.equal(inputs.modelPath?.relative, 'models/churn')
    assert.deepEqual(inputs.modelPath?.files.map((f) => f.relative), ['models/churn/MLmodel', 'models/churn/model.pkl'])
  })

  test('model-path: a directory without MLmodel and a single file', () => {
    assert.equal(parse({ 'model-path': 'artifacts' }).modelPath?.kind, 'directory')
    const single = parse({ 'model-path': 'models/churn/model.pkl' }).modelPath
    assert.equal(single?.kind, 'file')
    assert.deepEqual(single?.files.map((f) => f.relative), ['models/churn/model.pkl'])
    rejects(() => parse({ 'model-path': 'models/missing' }), 'model-path', /does not exist/)
  })

  test('model-path: an empty directory is refused', () => {
    mkdirSync(join(workspace, 'empty-model'), { recursive: true })
    rejects(() => parse({ 'model-path': 'empty-model' }), 'model-path', /is empty/)
  })

  test('register-alias: champion by default, none for no alias, MLflow\'s rules otherwise', () => {
    assert.equal(parse({ 'register-alias': '' }).registerAlias, 'champion')
    assert.equal(parse({ 'register-alias': 'none' }).registerAlias, undefined)
    assert.equal(parse({ 'register-alias': 'prod-2024_b' }).registerAlias, 'prod-2024_b')
    assert.equal(parse({ 'register-alias': 'version2' }).registerAlias, 'version2')
    // MLflow reserves 'latest' (case-insensitively) and ^[vV]\d+$.
    for (const bad of ['latest', 'Latest', 'v1', 'V12', 'my alias', 'a@b']) {
      rejects(() => parse({ 'register-alias': bad }), 'register-alias', /not an alias MLflow accepts/, /"latest" nor v<number>/)
    }
  })

  test('register-stage: a legacy stage, case-insensitive, written as MLflow spells it', () => {
    assert.equal(parse({ 'register-stage': 'production' }).registerStage, 'Production')
    assert.equal(parse({ 'register-stage': 'Staging' }).registerStage, 'Staging')
    assert.equal(parse({ 'register-stage': '' }).registerStage, undefined)
    rejects(() => parse({ 'register-stage': 'prod' }), 'register-stage', /expected one of None, Staging, Production, Archived, got "prod"/)
  })
})

describe('params and tags', () => {
  test('key=value lines; blank lines and # comments skipped; values may hold =', () => {
    const inputs = parse({
      params: 'model.n_estimators = 200\n\n# a comment\nquery=a=b\n  empty=  \r\nlr=0.1',
      tags: 'team=ml\nowner: x=y',
    })
    assert.deepEqual(inputs.params, [
      { key: 'model.n_estimators', value: '200' },
      { key: 'query', value: 'a=b' },
      { key: 'empty', value: '' },
      { key: 'lr', value: '0.1' },
    ])
    assert.deepEqual(inputs.tags, [
      { key: 'team', value: 'ml' },
      { key: 'owner: x', value: 'y' },
    ])
  })

  test('a line without key=value is refused, quoting the line', () => {
    rejects(() => parse({ params: 'n_estimators 200' }), 'params', /expected one key=value per line, got "n_estimators 200"/)
    rejects(() => parse({ tags: '=orphan' }), 'tags', /expected one key=value per line/)
  })

  test('keys MLflow would reject are refused before anything is written', () => {
    rejects(() => parse({ params: 'a/../b=1' }), 'params', /param name "a\/\.\.\/b" is not one MLflow accepts/, /no '\.\.'/)
    // MLflow's path_not_unique: each of these names a different file than it says.
    for (const key of ['x/', 'a//b', './a', 'a/./b', '.']) rejects(() => parse({ params: `${key}=1` }), 'params', /is not one MLflow accepts/)
    // …while `a..b` and letters beyond ASCII are fine in MLflow.
    assert.deepEqual(parse({ params: 'a..b=1\naño=2' }).params.map((p) => p.key), ['a..b', 'año'])
    rejects(() => parse({ params: `long=${'v'.repeat(6001)}` }), 'params', /MLflow keeps at most 6000/)
    rejects(() => parse({ params: '/abs=1' }), 'params', /param name "\/abs"/)
    rejects(() => parse({ tags: 'emoji✓=1' }), 'tags', /tag name "emoji✓"/)
    rejects(() => parse({ tags: `${'k'.repeat(251)}=1` }), 'tags', /at most 250/)
    assert.deepEqual(parse({ params: `${'k'.repeat(250)}=1` }).params[0]?.key, 'k'.repeat(250))
  })

  test('validateKey accepts MLflow\'s key characters', () => {
    for (const key of ['a', 'model.n_estimators', 'a-b/c d:e', 'x_1']) assert.equal(validateKey('params', 'param', key), key)
    for (const key of ['', 'a\tb', 'a,b', '../x', 'a"b']) assert.throws(() => validateKey('params', 'param', key), InputError)
  })
})

describe('files', () => {
  test('results: a missing file is refused, naming the input', () => {
    rejects(() => parse({ results: 'artifacts/nope.json' }), 'results', /"artifacts\/nope.json" does not exist in the workspace/)
  })

  test('params-files: one per line, each checked', () => {
    writeFileSync(join(workspace, 'config.yaml'), 'a: 1\n')
    assert.deepEqual(parse({ 'params-files': 'config.yaml\n' }).paramsFiles.map((f) => f.relative), ['config.yaml'])
    rejects(() => parse({ 'params-files': 'config.yaml\n../etc/passwd' }), 'params-files', /uses "\.\."/)
  })

  test('artifacts: matched files and unmatched patterns', () => {
    const inputs = parse({ artifacts: 'artifacts/*.json\nreports/*.png' })
    assert.deepEqual(inputs.artifacts.map((f) => f.relative), ['artifacts/training_results.json'])
    assert.deepEqual(inputs.unmatchedArtifactPatterns, ['reports/*.png'])
  })
})

describe('a closed pull request', () => {
  test('may lack the training outputs: they are needed only if no run was logged before', () => {
    const inputs = parse({ results: 'artifacts/missing.json', 'model-path': 'models/missing', 'model-name': 'M', register: 'on-merge' }, {}, 'acme/churn-repo', true)
    assert.equal(inputs.results, undefined)
    assert.equal(inputs.resultsPath, 'artifacts/missing.json')
    assert.equal(inputs.modelPath, undefined)
  })

  test('any other event still needs them', () => {
    assert.throws(() => parse({ results: 'artifacts/missing.json' }), /results: "artifacts\/missing\.json" does not exist/)
  })
})
