import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { InputError } from '../../../src/inputs/input-error.js'
import { INPUT_DEFAULTS, type InputName } from '../../../src/inputs/input-names.js'
import { parseInputs } from '../../../src/inputs/parse-inputs.js'
import type { RunContext } from '../../../src/inputs/run-context.js'
import { buildRunPayload, defaultRunName, runKey, workflowRunUrl } from '../../../src/results/run-payload.js'

const root = realpathSync(mkdtempSync(join(tmpdir(), 'run-payload-')))
after(() => rmSync(root, { recursive: true, force: true }))
const write = (path: string, text: string) => {
  mkdirSync(dirname(join(root, path)), { recursive: true })
  writeFileSync(join(root, path), text)
}
write(
  'artifacts/training_results.json',
  JSON.stringify({
    cv_results: { f1: [0.6, 0.7] },
    test_results: { metrics: { f1: 0.61 }, confusion_matrix: [[5, 1], [2, 3]] },
    history: { loss: [0.9, 0.5] },
    params: { source: 'results', model: { n_estimators: 100 }, only_results: 1 },
  }),
)
write('configs/config.yaml', 'model:\n  n_estimators: 200\n  max_depth: 10\nsource: config\n')
write('configs/extra.json', '{"source": "extra", "seed": 42}')
write('other/config.yaml', 'a: 1\n')
write('configs/list.yaml', '- 1\n')
write('reports/roc.png', 'png')
write('reports/sub/report.txt', 'txt')
write('models/churn/MLmodel', 'flavors: {}')
write('models/churn/model.pkl', 'pickle')
write('models/churn/env/conda.yaml', 'deps')
write('models/single.pkl', 'pickle')

const inputs = (values: Partial<Record<InputName, string>> = {}) =>
  parseInputs((name) => values[name] ?? INPUT_DEFAULTS[name], { workspace: root, env: {}, repository: 'acme/churn' })

const HEAD_SHA = 'abcdef0123456789abcdef0123456789abcdef01'
const prContext: RunContext = {
  eventName: 'pull_request',
  action: 'synchronize',
  repository: 'acme/churn',
  owner: 'acme',
  repo: 'churn',
  serverUrl: 'https://github.com',
  runId: '9001',
  runAttempt: '2',
  job: 'train',
  workflow: 'CI',
  actor: 'octocat',
  sha: HEAD_SHA,
  branch: 'feature/tune',
  defaultBranch: 'main',
  pullRequest: {
    number: 42,
    url: 'https://github.com/acme/churn/pull/42',
    title: 'Tune the forest',
    merged: false,
    headSha: HEAD_SHA,
    headRef: 'feature/tune',
    baseRef: 'main',
    fromFork: false,
  },
}
const pushContext: RunContext = {
  eventName: 'push',
  repository: 'acme/churn',
  owner: 'acme',
  repo: 'churn',
  serverUrl: 'https://github.com',
  runId: '77',
  runAttempt: '1',
  job: 'train',
  workflow: 'CI',
  actor: 'octocat',
  sha: '1234567890abcdef1234567890abcdef12345678',
  branch: 'main',
  defaultBranch: 'main',
}

const NOW = 1_700_000_000_123
const tagMap = (payload: ReturnType<typeof buildRunPayload>) => Object.fromEntries(payload.tags.map((t) => [t.key, t.value]))
const paramMap = (payload: ReturnType<typeof buildRunPayload>) => Object.fromEntries(payload.params.map((p) => [p.key, p.value]))

describe('buildRunPayload tags (SPEC section 5)', () => {
  test('a pull_request run', () => {
    const payload = buildRunPayload(inputs({ 'experiment-name': 'BankChurn', tags: 'team=ml\ngithub.note=x' }), prContext, NOW)
    assert.equal(payload.runName, 'pr-42-abcdef0')
    assert.equal(payload.runKey, 'acme/churn/9001/train/BankChurn')
    assert.equal(payload.userId, 'octocat')
    const tags = tagMap(payload)
    const note = tags['mlflow.note.content']
    delete tags['mlflow.note.content']
    assert.deepEqual(tags, {
      'mlflow.runName': 'pr-42-abcdef0',
      'mlflow.user': 'octocat',
      'mlflow.source.type': 'JOB',
      'mlflow.source.name': 'https://github.com/acme/churn/actions/runs/9001/attempts/2',
      'mlflow.source.git.commit': HEAD_SHA,
      'mlflow.source.git.branch': 'feature/tune',
      'mlflow.source.git.repoURL': 'https://github.com/acme/churn',
      'github.repository': 'acme/churn',
      'github.event': 'pull_request',
      'github.pr': '42',
      'github.workflow': 'CI',
      'github.job': 'train',
      'github.run_id': '9001',
      'github.run_attempt': '2',
      'github.run_key': 'acme/churn/9001/train/BankChurn',
      team: 'ml',
      'github.note': 'x',
    })
    assert.match(note ?? '', /\[#42 Tune the forest\]\(https:\/\/github\.com\/acme\/churn\/pull\/42\)/)
    assert.match(note ?? '', /\[abcdef0\]\(https:\/\/github\.com\/acme\/churn\/commit\/abcdef0123456789abcdef0123456789abcdef01\)/)
  })

  test('a push run: no github.pr, run name <branch>-<sha7>, first attempt URL', () => {
    const payload = buildRunPayload(inputs({ 'comment-key': 'model-a' }), pushContext, NOW)
    const tags = tagMap(payload)
    assert.equal(payload.runName, 'main-1234567')
    assert.equal(tags['mlflow.runName'], 'main-1234567')
    assert.equal(tags['github.pr'], undefined)
    assert.equal(tags['github.event'], 'push')
    assert.equal(tags['mlflow.source.git.commit'], pushContext.sha)
    assert.equal(tags['mlflow.source.git.branch'], 'main')
    assert.equal(tags['mlflow.source.name'], 'https://github.com/acme/churn/actions/runs/77')
    assert.equal(tags['github.run_key'], 'acme/churn/77/train/model-a')
  })

  test('the run-name input wins; an mlflow.runName tag that disagrees is refused', () => {
    assert.equal(buildRunPayload(inputs({ 'run-name': 'nightly' }), prContext, NOW).runName, 'nightly')
    assert.equal(tagMap(buildRunPayload(inputs({ 'run-name': 'nightly', tags: 'mlflow.runName=nightly' }), prContext, NOW))['mlflow.runName'], 'nightly')
    assert.throws(() => buildRunPayload(inputs({ tags: 'mlflow.runName=other' }), prContext, NOW), (e: unknown) => e instanceof InputError && e.source === 'tags')
  })

  test('outside Actions: no run key, no GitHub tags, a local run name', () => {
    const payload = buildRunPayload(inputs(), { eventName: 'local', serverUrl: 'https://github.com' }, NOW)
    assert.equal(payload.runKey, undefined)
    const tags = tagMap(payload)
    assert.equal(tags['github.run_key'], undefined)
    assert.equal(tags['github.repository'], undefined)
    assert.equal(tags['mlflow.source.type'], 'JOB')
    assert.equal(tags['github.event'], 'local')
    assert.match(payload.runName, /^local-\d{8}T\d{6}$/)
  })

  test('an over-long tag value is cut to MLflow\'s 8000 characters', () => {
    const tags = tagMap(buildRunPayload(inputs({ tags: `long=${'y'.repeat(9000)}` }), prContext, NOW))
    assert.equal(tags.long?.length, 8000)
    assert.ok(tags.long?.endsWith('…'))
  })

  test('helpers', () => {
    assert.equal(defaultRunName(prContext), 'pr-42-abcdef0')
    assert.equal(defaultRunName(pushContext), 'main-1234567')
    assert.equal(workflowRunUrl({ ...pushContext, runId: undefined }), undefined)
    assert.equal(runKey({ commentKey: 'k' }, { ...pushContext, job: undefined }), 'acme/churn/77//k')
  })
})

describe('buildRunPayload artifacts', () => {
  test('results at the root, params files under config/, globs at their path, a model directory under model/', () => {
    const payload = buildRunPayload(
      inputs({ 'params-files': 'configs/config.yaml\nconfigs/extra.json', artifacts: 'reports/**', 'model-path': 'models/churn' }),
      prContext,
      NOW,
    )
    assert.deepEqual(
      payload.artifacts.map((a) => [a.artifactPath, a.localPath]),
      [
        ['training_results.json', join(root, 'artifacts/training_results.json')],
        ['config/config.yaml', join(root, 'configs/config.yaml')],
        ['config/extra.json', join(root, 'configs/extra.json')],
        ['reports/roc.png', join(root, 'reports/roc.png')],
        ['reports/sub/report.txt', join(root, 'reports/sub/report.txt')],
        ['model/MLmodel', join(root, 'models/churn/MLmodel')],
        ['model/env/conda.yaml', join(root, 'models/churn/env/conda.yaml')],
        ['model/model.pkl', join(root, 'models/churn/model.pkl')],
      ],
    )
  })

  test('a model directory given as ./dir/ still lands under model/', () => {
    const payload = buildRunPayload(inputs({ 'model-path': './models//churn/' }), prContext, NOW)
    assert.deepEqual(
      payload.artifacts.filter((a) => a.artifactPath.startsWith('model/')).map((a) => a.artifactPath),
      ['model/MLmodel', 'model/env/conda.yaml', 'model/model.pkl'],
    )
  })

  test('a single model file lands at model/<basename>', () => {
    const payload = buildRunPayload(inputs({ 'model-path': 'models/single.pkl' }), prContext, NOW)
    assert.deepEqual(payload.artifacts.slice(1), [{ localPath: join(root, 'models/single.pkl'), artifactPath: 'model/single.pkl' }])
  })

  test('the same file matched twice is logged once; two files on one artifact path are refused', () => {
    const payload = buildRunPayload(inputs({ artifacts: 'reports/*.png\nreports/roc.png\n**/*.png' }), prContext, NOW)
    assert.deepEqual(payload.artifacts.map((a) => a.artifactPath), ['training_results.json', 'reports/roc.png'])
    assert.throws(
      () => buildRunPayload(inputs({ 'params-files': 'configs/config.yaml\nother/config.yaml' }), prContext, NOW),
      (e: unknown) => e instanceof InputError && /two files would be logged as the same artifact "config\/config\.yaml"/.test(e.message),
    )
  })
})

describe('buildRunPayload params and metrics', () => {
  test('params precedence: results file < params-files (in order) < params input', () => {
    const payload = buildRunPayload(
      inputs({ 'params-files': 'configs/config.yaml\nconfigs/extra.json', params: 'model.max_depth=12\nnew=1' }),
      prContext,
      NOW,
    )
    assert.deepEqual(paramMap(payload), {
      source: 'extra',
      'model.n_estimators': '200',
      only_results: '1',
      'model.max_depth': '12',
      seed: '42',
      new: '1',
    })
  })

  test('a params file that is not a mapping is refused, naming it', () => {
    assert.throws(
      () => buildRunPayload(inputs({ 'params-files': 'configs/list.yaml' }), prContext, NOW),
      (e: unknown) => e instanceof InputError && e.source === 'configs/list.yaml' && /expected a mapping of parameter names to values at \$/.test(e.message),
    )
  })

  test('every metric point carries the one timestamp taken once', () => {
    const payload = buildRunPayload(inputs(), prContext, NOW)
    assert.ok(payload.metrics.length > 5)
    assert.ok(payload.metrics.every((m) => m.timestamp === NOW))
    assert.deepEqual(
      payload.metrics.filter((m) => m.key === 'loss').map((m) => [m.step, m.value]),
      [[0, 0.9], [1, 0.5]],
    )
    assert.deepEqual(
      payload.metrics.filter((m) => m.step === 0).map((m) => m.key).sort(),
      [
        'biz_detected_churners',
        'biz_false_positives',
        'biz_missed_churners',
        'biz_saved_customers',
        'biz_saved_revenue_usd',
        'cv_f1',
        'cv_f1_fold',
        'cv_f1_std',
        'loss',
        'test_f1',
      ],
    )
  })
})
