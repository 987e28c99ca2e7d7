// Registering on merge, end to end: a real scikit-learn model saved by Python, logged and compared on
// a pull request, registered on the merged event, then loaded back by MLflow's Python client.
import assert from 'node:assert/strict'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { pullRequestEvent, pushEvent } from '../fixtures/github-events.js'
import { runAction } from '../support/action-runner.js'
import { runPython, trackingUri, uniqueName } from '../support/mlflow.js'

interface Trained {
  predictions: number[]
  classes: number[]
  metrics: Record<string, number>
}

interface Versions {
  aliases: Record<string, string>
  versions: Array<{ version: string; run_id: string; stage: string; source: string; tags: Record<string, string>; description: string }>
}


describe('registering the model of a merged pull request', () => {
  const experiment = uniqueName('register')
  const model = uniqueName('ChurnModel')
  const inputs = (extra: Record<string, string> = {}) => ({
    'tracking-uri': trackingUri(),
    'experiment-name': experiment,
    'model-name': model,
    'model-path': 'model',
    register: 'on-merge',
    comment: 'never',
    'register-stage': 'Production',
    ...extra,
  })

  /** Trains in a fresh workspace; C controls how good the model is. */
  async function train(c: number) {
    const workspace = mkdtempSync(join(tmpdir(), 'train-'))
    const trained = await runPython<Trained>('sklearn_model.py', ['train', workspace, String(c)])
    return { workspace, trained }
  }

  async function pullRequest(number: number, c: number, extra: Record<string, string> = {}) {
    const sha = String(number).repeat(40).slice(0, 40)
    const { workspace, trained } = await train(c)
    const opened = await runAction({
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent({ number, sha, action: 'opened' }),
      inputs: inputs(extra),
      env: { GITHUB_RUN_ID: `${number}01` },
    })
    assert.equal(opened.code, 0, opened.stdout + opened.stderr)
    const merged = () =>
      runAction({
        workspace,
        eventName: 'pull_request',
        event: pullRequestEvent({ number, sha, action: 'closed', merged: true }),
        inputs: inputs(extra),
        env: { GITHUB_RUN_ID: `${number}02` },
      })
    return { workspace, trained, opened, merged }
  }

  let first: Trained
  test('the first merged model is registered and Python loads models:/Name@champion', async () => {
    const pr = await pullRequest(1, 0.1)
    first = pr.trained
    assert.equal(pr.opened.outputs.verdict, 'no-baseline')
    assert.equal(pr.opened.outputs['model-version'] ?? '', '', 'nothing is registered before the merge')
    const merged = await pr.merged()
    assert.equal(merged.code, 0, merged.stdout + merged.stderr)
    assert.equal(merged.outputs['model-version'], '1')
    assert.equal(merged.outputs['run-id'], pr.opened.outputs['run-id'], "the PR's own run is registered")
    assert.match(merged.summary, /registered version 1/)

    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.deepEqual(versions.aliases, { champion: '1' })
    const [v1] = versions.versions
    assert.equal(v1?.run_id, pr.opened.outputs['run-id'])
    assert.equal(v1?.stage, 'Production')
    assert.deepEqual(v1?.tags, {
      'github.pr': '1',
      'github.commit': '1'.repeat(40),
      'github.pr_url': 'https://github.com/acme/churn/pull/1',
      'gate.verdict': 'no-baseline',
    })
    assert.match(v1?.description ?? '', /\| test_f1 \| 0\.7385 \|/, 'the comparison table is the description')

    const loaded = await runPython<Trained>('sklearn_model.py', ['predict', `models:/${model}@champion`])
    assert.deepEqual(loaded.classes, first.classes)
    assert.deepEqual(loaded.predictions, first.predictions)
  })

  test('running the merged event twice leaves exactly one version, with no training outputs in the workspace', async () => {
    // The merge job need not train again: it registers the run the pull request logged.
    const workspace = mkdtempSync(join(tmpdir(), 'merge-'))
    const again = await runAction({
      workspace,
      eventName: 'pull_request',
      event: pullRequestEvent({ number: 1, sha: '1'.repeat(40), action: 'closed', merged: true }),
      inputs: inputs(),
      env: { GITHUB_RUN_ID: '102' },
    })
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.equal(again.outputs['model-version'], '1')
    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.equal(versions.versions.length, 1)
  })

  test('a worse model is not registered under register-if: not-worse, and the champion stays', async () => {
    const pr = await pullRequest(2, 0.0005)
    assert.equal(pr.opened.outputs.verdict, 'worse', pr.opened.summary)
    const merged = await pr.merged()
    assert.equal(merged.code, 0, merged.stdout + merged.stderr)
    assert.equal(merged.outputs['model-version'] ?? '', '')
    assert.match(merged.stdout, /::notice::Not registered: register-if is not-worse and a gated metric regressed/)
    assert.match(merged.summary, /not registered: register-if is not-worse/)
    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.equal(versions.versions.length, 1)
    assert.deepEqual(versions.aliases, { champion: '1' })
  })

  test('a better model moves the champion; a later PR resolves models:/Name/Production to it', async () => {
    // Compare against the Production stage this time, and require an improvement.
    const extra = { 'register-if': 'better', metrics: 'test_f1: {goal: max}\ntest_accuracy: {goal: none}\ntest_roc_auc: {goal: none}\nbiz_*: {goal: none}' }
    const pr = await pullRequest(3, 1.0, { ...extra, baseline: `models:/${model}/Production` })
    // On this data C=1.0 scores F1 0.806 against 0.738 for C=0.1 (and 0 for C=0.0005).
    assert.equal(pr.opened.outputs.verdict, 'better', pr.opened.summary)
    const merged = await pr.merged()
    assert.equal(merged.code, 0, merged.stdout + merged.stderr)
    assert.equal(merged.outputs['model-version'], '2')
    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.deepEqual(versions.aliases, { champion: '2' })
    assert.deepEqual(
      versions.versions.map((v) => [v.version, v.stage]),
      [
        ['1', 'Archived'],
        ['2', 'Production'],
      ],
    )
    const later = await pullRequest(4, 0.3, { baseline: `models:/${model}/Production` })
    assert.equal(later.opened.outputs['baseline-version'], '2')
    assert.equal(later.opened.outputs['baseline-run-id'], pr.opened.outputs['run-id'])
    const loaded = await runPython<Trained>('sklearn_model.py', ['predict', `models:/${model}/Production`])
    assert.deepEqual(loaded.predictions, pr.trained.predictions)
  })
})

describe('registering outside pull requests', () => {
  test('a push to the default branch registers with on-merge; a push elsewhere does not', async () => {
    const model = uniqueName('PushModel')
    const workspace = mkdtempSync(join(tmpdir(), 'push-'))
    await runPython<Trained>('sklearn_model.py', ['train', workspace, '0.3'])
    const push = (branch: string, runId: string) =>
      runAction({
        workspace,
        eventName: 'push',
        event: pushEvent(branch),
        inputs: { 'tracking-uri': trackingUri(), 'experiment-name': uniqueName('push'), 'model-name': model, 'model-path': 'model', register: 'on-merge' },
        env: { GITHUB_REF: `refs/heads/${branch}`, GITHUB_RUN_ID: runId },
      })
    const feature = await push('feature', '501')
    assert.equal(feature.code, 0, feature.stdout + feature.stderr)
    assert.equal(feature.outputs['model-version'] ?? '', '')
    const main = await push('main', '502')
    assert.equal(main.code, 0, main.stdout + main.stderr)
    assert.equal(main.outputs['model-version'], '1')
    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.equal(versions.versions[0]?.run_id, main.outputs['run-id'])
    assert.deepEqual(versions.aliases, { champion: '1' })
  })

  test('register: always registers a single model file as-is, loadable from the registry', async () => {
    const model = uniqueName('FileModel')
    const workspace = mkdtempSync(join(tmpdir(), 'file-model-'))
    const trained = await runPython<Trained>('sklearn_model.py', ['train', workspace, '0.3'])
    const result = await runAction({
      workspace,
      eventName: 'workflow_dispatch',
      event: pushEvent(),
      inputs: {
        'tracking-uri': trackingUri(),
        'experiment-name': uniqueName('file-model'),
        'model-name': model,
        'model-path': 'churn_model.pkl',
        register: 'always',
        'register-alias': 'challenger',
      },
    })
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(result.outputs['model-version'], '1')
    const versions = await runPython<Versions>('model_versions.py', [model])
    assert.deepEqual(versions.aliases, { challenger: '1' })
    assert.match(versions.versions[0]?.source ?? '', /\/artifacts\/model$/)
    const loaded = await runPython<Trained>('sklearn_model.py', ['predict-file', `models:/${model}@challenger`])
    assert.deepEqual(loaded.predictions, trained.predictions)
  })
})

