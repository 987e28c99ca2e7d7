// End to end as GitHub runs it: `node dist/index.js` on a push event against the real MLflow
// server, then MLflow's own Python client reads back what the action wrote.
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { pushEvent } from '../fixtures/github-events.js'
import { runAction, workspaceFrom, type ActionOptions } from '../support/action-runner.js'
import { runPython, trackingUri, uniqueName } from '../support/mlflow.js'

interface PythonRun {
  run_id: string
  run_name: string
  status: string
  experiment_name: string
  metrics: Record<string, number>
  history: Record<string, Array<{ value: number; step: number; timestamp: number }>>
  params: Record<string, string>
  tags: Record<string, string>
  artifacts: Array<{ path: string; size: number }>
}

interface PythonRuns {
  experiment: string | null
  runs: Array<{ run_id: string; status: string; tags: Record<string, string> }>
}


function pushRun(experiment: string, overrides: Partial<ActionOptions> = {}): ActionOptions {
  return {
    workspace: workspaceFrom('bank-churn'),
    eventName: 'push',
    event: pushEvent(),
    inputs: {
      'tracking-uri': trackingUri(),
      'experiment-name': experiment,
      results: 'artifacts/training_results.json',
      'params-files': 'configs/config.yaml',
      params: 'dataset_version=v3\nfeature_set = baseline',
      artifacts: 'reports/*.png\nreports/**/*.txt',
      'model-path': 'models/churn_model',
      tags: 'team=risk\nowner=ml-platform',
    },
    ...overrides,
  }
}

describe('logging a training job from a push event', () => {
  const experiment = uniqueName('bank-churn')
  const options = pushRun(experiment)
  let first: Awaited<ReturnType<typeof runAction>>
  let run: PythonRun

  test('the action succeeds and sets its outputs', async () => {
    first = await runAction(options)
    assert.equal(first.code, 0, first.stdout + first.stderr)
    assert.match(first.outputs['run-id'] ?? '', /^[0-9a-f]{32}$/)
    assert.match(first.outputs['experiment-id'] ?? '', /^\d+$/)
    assert.equal(first.outputs['run-url'], `${trackingUri()}/#/experiments/${first.outputs['experiment-id']}/runs/${first.outputs['run-id']}`)
    assert.equal(first.outputs.verdict, 'no-baseline')
    assert.ok(first.summary.length > 0, 'the job summary holds the report')
  })

  test("MLflow's Python client reads every metric value and step", async () => {
    run = await runPython<PythonRun>('read_run.py', [first.outputs['run-id'] as string])
    assert.equal(run.status, 'FINISHED')
    assert.equal(run.experiment_name, experiment)
    const folds = [0.6, 0.62, 0.64, 0.61, 0.63]
    const mean = folds.reduce((a, b) => a + b) / folds.length
    const std = Math.sqrt(folds.map((f) => (f - mean) ** 2).reduce((a, b) => a + b) / folds.length)
    const expected: Record<string, number> = {
      cv_f1: mean,
      cv_f1_std: std,
      cv_f1_fold: 0.63,
      cv_roc_auc_mean: 0.85,
      test_accuracy: 0.8645,
      test_f1: 0.6081,
      test_precision: 0.7411,
      test_recall: 0.5135,
      test_roc_auc: 0.8603,
      biz_detected_churners: 209,
      biz_saved_customers: 209 * 0.3,
      biz_saved_revenue_usd: 209 * 0.3 * 2300,
      biz_false_positives: 73,
      biz_missed_churners: 198,
      train_loss: 0.6,
      val_loss: 0.74,
    }
    assert.deepEqual(run.metrics, expected)
    const steps = (key: string) => run.history[key]?.map((p) => [p.step, p.value])
    assert.deepEqual(steps('cv_f1_fold'), folds.map((f, i) => [i, f]))
    assert.deepEqual(steps('train_loss'), [[0, 0.9], [1, 0.7], [2, 0.6]])
    assert.deepEqual(steps('val_loss'), [[0, 0.95], [1, 0.8], [2, 0.74]])
    assert.deepEqual(steps('test_f1'), [[0, 0.6081]])
    const timestamps = new Set(Object.values(run.history).flat().map((p) => p.timestamp))
    assert.equal(timestamps.size, 1, 'one timestamp, taken once, for every point')
  })

  test('every param, from the results file, the config file and the params input', () => {
    assert.deepEqual(run.params, {
      model_type: 'random_forest',
      cv_folds: '5',
      'model.type': 'random_forest',
      'model.n_estimators': '200',
      'model.max_depth': '10',
      'model.class_weight': 'balanced',
      'data.test_size': '0.2',
      'data.random_state': '42',
      'data.features': '["CreditScore","Age","Tenure","Balance"]',
      'mlflow.enabled': 'True',
      dataset_version: 'v3',
      feature_set: 'baseline',
    })
  })

  test('the tags of SPEC section 5', () => {
    const runId = first.outputs['run-id']
    const expected: Record<string, string> = {
      'mlflow.runName': `main-${'f'.repeat(7)}`,
      'mlflow.user': 'octocat',
      'mlflow.source.type': 'JOB',
      'mlflow.source.name': 'https://github.com/acme/churn/actions/runs/9001',
      'mlflow.source.git.commit': 'f'.repeat(40),
      'mlflow.source.git.branch': 'main',
      'mlflow.source.git.repoURL': 'https://github.com/acme/churn',
      'github.repository': 'acme/churn',
      'github.event': 'push',
      'github.workflow': 'Train',
      'github.job': 'train',
      'github.run_id': '9001',
      'github.run_attempt': '1',
      'github.run_key': `acme/churn/9001/train/${experiment}`,
      team: 'risk',
      owner: 'ml-platform',
    }
    for (const [key, value] of Object.entries(expected)) assert.equal(run.tags[key], value, `tag ${key} of run ${runId}`)
    assert.equal(run.run_name, `main-${'f'.repeat(7)}`)
    assert.match(run.tags['mlflow.note.content'] ?? '', /actions\/runs\/9001/)
    assert.equal(run.tags['github.pr'], undefined, 'no PR tag on a push')
  })

  test('the artifact list', () => {
    assert.deepEqual(
      run.artifacts.map((a) => a.path),
      [
        'config/config.yaml',
        'model/MLmodel',
        'model/model.pkl',
        'reports/classification_report.txt',
        'reports/roc.png',
        'training_results.json',
      ],
    )
    const png = run.artifacts.find((a) => a.path === 'reports/roc.png')
    assert.ok(png && png.size > 50, 'the PNG arrived whole')
  })

  test('a re-run of the same workflow run reuses its run', async () => {
    const again = await runAction({ ...options, env: { GITHUB_RUN_ATTEMPT: '2' } })
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.equal(again.outputs['run-id'], first.outputs['run-id'])
    const listed = await runPython<PythonRuns>('list_runs.py', [experiment])
    assert.equal(listed.runs.length, 1)
    assert.equal(listed.runs[0]?.status, 'FINISHED')
    const reread = await runPython<PythonRun>('read_run.py', [first.outputs['run-id'] as string])
    assert.equal(reread.history.train_loss?.length, 3, 'unchanged metrics are not logged twice')
    assert.equal(reread.tags['github.run_attempt'], '2')
  })
})

describe('bad input fails clearly and leaves nothing in MLflow', () => {
  const cases: Array<{ name: string; prepare: (o: ActionOptions) => void; message: RegExp }> = [
    {
      name: 'a malformed results file',
      prepare: (o) => writeFileSync(join(o.workspace, 'artifacts/training_results.json'), '{"cv_results": {"f1": 0.6,,}}'),
      message: /artifacts\/training_results\.json: expected JSON, but it does not parse/,
    },
    {
      name: 'a missing results file',
      prepare: (o) => (o.inputs.results = 'artifacts/nope.json'),
      message: /results: "artifacts\/nope\.json" does not exist in the workspace/,
    },
    {
      name: 'a NaN metric',
      prepare: (o) =>
        writeFileSync(
          join(o.workspace, 'artifacts/training_results.json'),
          '{"test_results": {"metrics": {"accuracy": 0.86, "f1": NaN}}}',
        ),
      message: /artifacts\/training_results\.json: at \$\.test_results\.metrics\.f1: expected a finite number, got NaN/,
    },
    {
      name: 'a metric name MLflow would reject (a trailing slash names another file)',
      prepare: (o) =>
        writeFileSync(join(o.workspace, 'artifacts/training_results.json'), '{"metrics": {"f1": 0.6}, "x/": 0.5}'),
      message: /artifacts\/training_results\.json: at \$\["x\/"\]: metric name "x\/" is not one MLflow accepts/,
    },
    {
      name: 'an unknown input value',
      prepare: (o) => (o.inputs.comment = 'sometimes'),
      message: /comment: expected one of auto, always, never/,
    },
    {
      name: 'a config file that is not a mapping',
      prepare: (o) => writeFileSync(join(o.workspace, 'configs/config.yaml'), '- just\n- a list\n'),
      message: /configs\/config\.yaml: expected a mapping of parameter names to values/,
    },
  ]
  for (const { name, prepare, message } of cases) {
    test(name, async () => {
      const experiment = uniqueName('bad-input')
      const options = pushRun(experiment)
      prepare(options)
      const result = await runAction(options)
      assert.notEqual(result.code, 0)
      assert.match(result.stdout, new RegExp(`::error::${message.source}`))
      const listed = await runPython<PythonRuns>('list_runs.py', [experiment])
      assert.equal(listed.experiment, null, 'not even the experiment was created')
    })
  }
})

describe("a comment key with a quote, in MLflow's search filter", () => {
  test('a re-run still finds its run (the filter literal is quoted as MLflow parses it)', async () => {
    const experiment = uniqueName('quotes')
    const options = pushRun(experiment)
    options.inputs['comment-key'] = "O'Brien's model"
    const first = await runAction(options)
    assert.equal(first.code, 0, first.stdout + first.stderr)
    const again = await runAction({ ...options, workspace: workspaceFrom('bank-churn'), env: { GITHUB_RUN_ATTEMPT: '2' } })
    assert.equal(again.code, 0, again.stdout + again.stderr)
    assert.equal(again.outputs['run-id'], first.outputs['run-id'])
    const listed = await runPython<PythonRuns>('list_runs.py', [experiment])
    assert.equal(listed.runs.length, 1)
    assert.equal(listed.runs[0]?.tags['github.run_key'], `acme/churn/9001/train/O'Brien's model`)
  })
})

describe('credentials', () => {
  test('are masked, and reach no output, summary, report or MLflow tag', async () => {
    const experiment = uniqueName('secrets')
    const token = 'mlflow-token-s3cr3t-0123456789'
    const password = 'pa55-w0rd-s3cr3t'
    const options = pushRun(experiment)
    // Credentials in the URL and a token in the environment, as a workflow might pass them.
    options.inputs['tracking-uri'] = trackingUri().replace('http://', `http://ci-user:${password}@`)
    options.env = { MLFLOW_TRACKING_TOKEN: token }
    const result = await runAction(options)
    assert.equal(result.code, 0, result.stdout + result.stderr)
    assert.match(result.stdout, new RegExp(`::add-mask::${token}`))
    assert.match(result.stdout, new RegExp(`::add-mask::${password}`))
    const unmasked = result.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'))
    for (const secret of [token, password]) {
      assert.ok(!unmasked.some((line) => line.includes(secret)), 'no log line carries the secret')
      assert.ok(!result.summary.includes(secret), 'nor the summary')
      assert.ok(!Object.values(result.outputs).some((v) => v.includes(secret)), 'nor an output')
    }
    assert.equal(result.outputs['run-url']?.includes('ci-user'), false)
    const run = await runPython<PythonRun>('read_run.py', [result.outputs['run-id'] as string])
    assert.ok(!JSON.stringify(run).includes(password) && !JSON.stringify(run).includes(token), 'nor the run')
  })
})

describe('a run larger than one log-batch request', () => {
  test("is split within MLflow's limits and arrives whole", async () => {
    const experiment = uniqueName('big-run')
    const options = pushRun(experiment)
    const steps = 2500
    const loss = Array.from({ length: steps }, (_, i) => 1 / (i + 1))
    writeFileSync(
      join(options.workspace, 'artifacts/training_results.json'),
      JSON.stringify({ test_results: { metrics: { f1: 0.6 } }, history: { train_loss: loss, val_loss: loss } }),
    )
    // 250 params: over MLflow's 100 params per request.
    const config = Object.fromEntries(Array.from({ length: 250 }, (_, i) => [`p${String(i).padStart(3, '0')}`, i]))
    writeFileSync(join(options.workspace, 'configs/config.yaml'), JSON.stringify({ grid: config }))
    const result = await runAction(options)
    assert.equal(result.code, 0, result.stdout + result.stderr)
    const run = await runPython<PythonRun>('read_run.py', [result.outputs['run-id'] as string])
    assert.equal(run.history.train_loss?.length, steps)
    assert.deepEqual(
      run.history.val_loss?.map((p) => p.value),
      loss,
    )
    assert.equal(Object.keys(run.params).filter((k) => k.startsWith('grid.')).length, 250)
    assert.equal(run.params['grid.p249'], '249')
  })
})
