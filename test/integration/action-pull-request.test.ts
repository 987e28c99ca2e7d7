// The reviewer's view, end to end: `node dist/index.js` on pull_request events against the real
// MLflow server (the production model made by MLflow's Python client) and the local GitHub server.
import assert from 'node:assert/strict'
import { after, before, describe, test } from 'node:test'
import { commentMarker } from '../../src/report/marker.js'
import { FORK_TOKEN, GITHUB_TOKEN, startGitHubServer, type GitHubServer } from '../support/github-server.js'
import { pullRequestEvent, pushEvent, REPOSITORY } from '../fixtures/github-events.js'
import { runAction, workspaceFrom, type ActionOptions } from '../support/action-runner.js'
import { runPython, trackingUri, uniqueName } from '../support/mlflow.js'

const [OWNER, REPO] = REPOSITORY.split('/') as [string, string]
const PR = 42

// The fixture's candidate: test_f1 0.6081, test_accuracy 0.8645, 209 true positives.
const productionModel = {
  metrics: {
    test_f1: 0.57,
    test_accuracy: 0.8645,
    test_roc_auc: 0.85,
    biz_saved_revenue_usd: 193 * 0.3 * 2300,
    biz_detected_churners: 193,
  },
  params: { 'model.n_estimators': '100', 'model.max_depth': '10' },
}

interface Baseline {
  run_id: string
  version: string
}

describe('a pull request against the production model', () => {
  let github: GitHubServer
  const experiment = uniqueName('churn-pr')
  const model = uniqueName('BankChurnClassifier')
  let baseline: Baseline

  const options = (sha: string, inputs: Record<string, string> = {}, extra: Partial<ActionOptions> = {}): ActionOptions => ({
    workspace: workspaceFrom('bank-churn'),
    eventName: 'pull_request',
    event: pullRequestEvent({ number: PR, sha }),
    inputs: {
      'tracking-uri': trackingUri(),
      'experiment-name': experiment,
      'params-files': 'configs/config.yaml',
      'model-name': model,
      'github-token': GITHUB_TOKEN,
      metrics: 'test_accuracy: {tolerance: 0.005}\nbiz_*: {goal: max}\nbiz_false_positives: {goal: min}\nbiz_missed_churners: {goal: min}',
      ...inputs,
    },
    env: { GITHUB_REPOSITORY: `${OWNER}/${REPO}`, GITHUB_API_URL: github.url, GITHUB_EVENT_NAME: 'pull_request' },
    ...extra,
  })

  before(async () => {
    github = await startGitHubServer({
      comments: [
        // Someone else copies our marker: it must never be edited.
        { owner: OWNER, repo: REPO, issueNumber: PR, login: 'mallory', body: `${commentMarker(experiment)}\nfake report` },
      ],
    })
    baseline = await runPython<Baseline>('make_baseline.py', [experiment, model, 'alias', JSON.stringify(productionModel)])
  })
  after(async () => {
    await github.close()
  })

  const ours = () => github.commentsOn(PR, OWNER, REPO).filter((c) => c.user.login === 'github-actions[bot]')

  let firstCommentId: number
  test('the comment holds the deltas and verdicts against the champion', async () => {
    const result = await runAction(options('a'.repeat(40), {}, { event: pullRequestEvent({ number: PR, sha: 'a'.repeat(40), action: 'opened' }) }))
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(result.outputs.verdict, 'better')
    assert.equal(result.outputs['baseline-run-id'], baseline.run_id)
    assert.equal(result.outputs['baseline-version'], baseline.version)
    assert.equal(result.outputs.regressions, '0')
    const comments = ours()
    assert.equal(comments.length, 1)
    const body = comments[0]!.body
    firstCommentId = comments[0]!.id
    assert.equal(result.outputs['comment-url'], `${github.url}/${OWNER}/${REPO}/pull/${PR}#issuecomment-${firstCommentId}`)
    assert.ok(body.startsWith(commentMarker(experiment)))
    assert.match(body, new RegExp(`vs ${model.replace(/-/g, '\\-')}@\u200bchampion \\(version ${baseline.version}\\)`))
    assert.match(body, /\| test_f1 \| 0\.57 \| 0\.6081 \| \+0\.0381 \| \+6\.7% \| ✅ improved \|/)
    assert.match(body, /\| test_accuracy \| 0\.8645 \| 0\.8645 \| 0 \| 0% \| ➖ unchanged \|/)
    assert.match(body, /✅ \*\*Better\*\*: 4 improved, 0 regressed, 1 within tolerance, 11 new/)
    assert.match(body, /\| biz_saved_revenue_usd \| \$133,170 \| \$144,210 \| \+\$11,040 \|/)
    assert.match(body, /\| model\.n_estimators \| 100 \| 200 \|/)
    assert.match(body, /test_roc_auc/, 'a metric only the baseline has is listed as removed')
    assert.match(body, new RegExp(`#/compare-runs\\?runs=`))
    assert.equal(result.summary.trim(), body.trim(), 'the job summary holds the same report')
  })

  test('a second push updates the same comment, and leaves the copied marker alone', async () => {
    const result = await runAction(options('b'.repeat(40)))
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const comments = ours()
    assert.equal(comments.length, 1)
    assert.equal(comments[0]!.id, firstCommentId)
    assert.match(comments[0]!.body, /pr-42-bbbbbbb/)
    const mallory = github.commentsOn(PR, OWNER, REPO).find((c) => c.user.login === 'mallory')
    assert.equal(mallory?.body, `${commentMarker(experiment)}\nfake report`)
  })

  test('two comment keys make two comments', async () => {
    const result = await runAction(options('b'.repeat(40), { 'comment-key': `${experiment}-second-model` }))
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(ours().length, 2)
  })

  test('fail-on-regression fails the step after the comment is posted', async () => {
    const strict = options('c'.repeat(40), {
      'fail-on-regression': 'true',
      // A baseline of this PR's own earlier run, with a stricter rule on accuracy.
      metrics: 'test_f1: {goal: min}',
      'comment-key': `${experiment}-gate`,
    })
    const result = await runAction(strict)
    assert.equal(result.code, 1, result.stdout + result.stderr)
    assert.match(result.stdout, /::error::1 gated metric\(s\) regressed past their tolerance: test_f1/)
    assert.equal(result.outputs.verdict, 'worse')
    const gateComment = github.commentsOn(PR, OWNER, REPO).find((c) => c.body.startsWith(commentMarker(`${experiment}-gate`)))
    assert.ok(gateComment, 'the comment was posted before the step failed')
    assert.match(gateComment.body, /regressed/)
  })

  test("a fork's read-only token gets the summary and a warning, not a failure", async () => {
    const result = await runAction(options('d'.repeat(40), { 'github-token': FORK_TOKEN, 'comment-key': `${experiment}-fork` }))
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, /::warning::This token cannot comment/)
    assert.match(result.summary, /test_f1/)
    assert.equal(github.commentsOn(PR, OWNER, REPO).filter((c) => c.body.includes(`${experiment}-fork`)).length, 0)
  })
})

describe('baselines resolved through the registry REST API', () => {
  const metrics = { test_f1: 0.65, test_accuracy: 0.9 }

  test('models:/Name/Production finds the version in that legacy stage', async () => {
    const experiment = uniqueName('churn-stage')
    const model = uniqueName('StageModel')
    const made = await runPython<Baseline>('make_baseline.py', [experiment, model, 'stage', JSON.stringify({ metrics })])
    const result = await runAction({
      workspace: workspaceFrom('bank-churn'),
      eventName: 'push',
      event: pushEvent(),
      inputs: { 'tracking-uri': trackingUri(), 'experiment-name': experiment, baseline: `models:/${model}/production` },
    })
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(result.outputs['baseline-run-id'], made.run_id)
    assert.equal(result.outputs['baseline-version'], made.version)
    assert.equal(result.outputs.verdict, 'worse')
  })

  test('runs:/<id> and branch:<name> baselines; a fork PR whose head is also "main" is never the baseline', async () => {
    const experiment = uniqueName('churn-run')
    const made = await runPython<Baseline>('make_baseline.py', [experiment, uniqueName('M'), 'alias', JSON.stringify({ metrics, branch: 'main' })])
    // A fork's pull request from its own `main`: its run carries branch "main" too, and newer.
    const forkEvent = pullRequestEvent({ number: 77, sha: 'e'.repeat(40), action: 'opened', headRef: 'main', headRepository: 'mallory/churn' })
    const fork = await runAction({
      workspace: workspaceFrom('bank-churn'),
      eventName: 'pull_request',
      event: forkEvent,
      inputs: { 'tracking-uri': trackingUri(), 'experiment-name': experiment, comment: 'never' },
      env: { GITHUB_RUN_ID: '7701' },
    })
    assert.equal(fork.code, 0, fork.stdout + fork.stderr)
    for (const baselineUri of [`runs:/${made.run_id}`, 'branch:main']) {
      const result = await runAction({
        workspace: workspaceFrom('bank-churn'),
        eventName: 'push',
        event: pushEvent(),
        inputs: { 'tracking-uri': trackingUri(), 'experiment-name': experiment, baseline: baselineUri },
        env: { GITHUB_REF: 'refs/heads/feature', GITHUB_RUN_ID: String(Math.floor(Math.random() * 1e9)) },
      })
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.equal(result.outputs['baseline-run-id'], made.run_id, baselineUri)
    }
  })

  test('a missing model or alias is the no-baseline report, not an error', async () => {
    const experiment = uniqueName('churn-first')
    for (const baselineUri of [`models:/${uniqueName('Nobody')}@champion`, `models:/${uniqueName('Nobody')}/3`]) {
      const result = await runAction({
        workspace: workspaceFrom('bank-churn'),
        eventName: 'push',
        event: pushEvent(),
        inputs: { 'tracking-uri': trackingUri(), 'experiment-name': experiment, baseline: baselineUri },
      })
      assert.equal(result.code, 0, result.stdout + result.stderr)
      assert.equal(result.outputs.verdict, 'no-baseline')
      assert.match(result.summary, /does not exist yet/)
    }
    // An alias missing on a model that exists.
    const model = uniqueName('HasNoChampion')
    await runPython<Baseline>('make_baseline.py', [experiment, model, 'stage', JSON.stringify({ metrics })])
    const result = await runAction({
      workspace: workspaceFrom('bank-churn'),
      eventName: 'push',
      event: pushEvent(),
      inputs: { 'tracking-uri': trackingUri(), 'experiment-name': experiment, 'model-name': model },
      env: { GITHUB_RUN_ID: '777' },
    })
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.equal(result.outputs.verdict, 'no-baseline')
    assert.match(result.summary, /has no alias/)
  })

  test('a tracking server that is down is an error', async () => {
    const result = await runAction({
      workspace: workspaceFrom('bank-churn'),
      eventName: 'push',
      event: {},
      inputs: { 'tracking-uri': 'http://127.0.0.1:9', 'experiment-name': uniqueName('down') },
      env: { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '1' },
    })
    assert.equal(result.code, 1)
    assert.match(result.stdout, /::error::MLflow .* failed: cannot reach http:\/\/127\.0\.0\.1:9/)
  })
})
