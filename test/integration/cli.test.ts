// The CLI as a data scientist runs it: `node dist/cli.js …` from a fresh clone (package.json,
// dist/cli.js and examples/ only: no node_modules), writing MLflow's file store in ./mlruns, and
// MLflow's own Python client reading it back (and writing a store the CLI then reads).
// Run with `node scripts/run-tests.js test/integration/cli.test.ts`.
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'
import { runPython } from '../support/mlflow.js'

const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const PYTHON_ENV = { MLFLOW_ALLOW_FILE_STORE: 'true' }
const ACTION_INPUTS = Object.keys(
  (parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> }).inputs,
)

const temporaryDirs: string[] = []
const temporaryDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  temporaryDirs.push(dir)
  return dir
}
after(() => {
  for (const dir of temporaryDirs) rmSync(dir, { recursive: true, force: true })
})

interface CliRun {
  code: number
  stdout: string
  stderr: string
  /** The `name=value` lines the CLI prints on stderr. */
  outputs: Record<string, string>
}

/** A fresh clone with nothing installed: what `git clone` gives, minus everything the CLI does not need. */
function freshClone(): string {
  const dir = temporaryDir('cli-clone-')
  cpSync(join(repoRoot, 'package.json'), join(dir, 'package.json'))
  mkdirSync(join(dir, 'dist'))
  cpSync(join(repoRoot, 'dist', 'cli.js'), join(dir, 'dist', 'cli.js'))
  cpSync(join(repoRoot, 'examples'), join(dir, 'examples'), { recursive: true })
  return dir
}

/** Nothing of this process's MLflow, GitHub or runner settings leaks in; the local user is "ada". */
function cliEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MLFLOW_|GITHUB_|INPUT_|RUNNER_)/.test(key) && !['LOGNAME', 'USER', 'LNAME', 'USERNAME'].includes(key)) env[key] = value
  }
  return { ...env, USER: 'ada', RUNNER_TEMP: temporaryDir('cli-temp-') }
}

function cli(cwd: string, args: string[]): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.env.NODE_UNDER_TEST || process.execPath,
      ['dist/cli.js', ...args],
      { cwd, env: cliEnv(), timeout: 120_000, maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error)
        const outputs: Record<string, string> = {}
        for (const line of stderr.split('\n')) {
          const match = /^([a-z-]+)=(.*)$/.exec(line)
          if (match) outputs[match[1] as string] = match[2] as string
        }
        resolve({ code: typeof error?.code === 'number' ? error.code : 0, stdout, stderr, outputs })
      },
    )
  })
}

/** The cells of the table row whose first cell is `key`. */
function row(markdown: string, key: string): string[] {
  const line = markdown.split('\n').find((l) => l.startsWith(`| ${key} |`))
  assert.ok(line, `no table row for ${key} in:\n${markdown}`)
  return line
    .slice(1, -1)
    .split('|')
    .map((cell) => cell.trim())
}

/** The commands the README gives, for one example version. */
const bankChurn = (version: 'v1' | 'v2', ...extra: string[]) => [
  '--experiment-name', 'bank-churn',
  '--run-name', `bank-churn-${version}`,
  '--results', `examples/bank-churn/${version}/training_results.json`,
  '--params-files', `examples/bank-churn/${version}/config.yaml`,
  '--model-path', `examples/bank-churn/${version}/model`,
  '--model-name', 'BankChurnClassifier',
  ...extra,
]

interface PyStore {
  experiment: { id: string; name: string }
  runs: Array<{
    run_id: string
    run_name: string
    status: string
    artifact_uri: string
    metrics: Record<string, number>
    params: Record<string, string>
    tags: Record<string, string>
    history: Record<string, Array<[number, number]>>
    artifacts: string[]
  }>
  registered_model: { name: string; aliases: Record<string, string> }
  champion: { version: string; run_id: string; source: string; status: string; aliases: string[]; tags: Record<string, string> }
  versions: string[]
  predictions: number[]
}

describe('mlflow-pr-report CLI on file:./mlruns', () => {
  test('v1 is logged and registered as champion; v2 then shows its deltas against it; MLflow reads it all', async () => {
    const clone = freshClone()

    const first = await cli(clone, bankChurn('v1', '--register', 'always'))
    assert.equal(first.code, 0, first.stderr)
    assert.match(first.stdout, /^## MLflow report · bank-churn · no baseline$/m)
    assert.match(first.stdout, /No baseline.*BankChurnClassifier.*does not exist yet/)
    assert.deepEqual(row(first.stdout, 'test_f1'), ['test_f1', '0.6067', '↑ higher is better'])
    assert.deepEqual(row(first.stdout, 'biz_saved_revenue_usd'), ['biz_saved_revenue_usd', '$144,210', '↑ higher is better'])
    assert.match(first.stdout, /\*\*Registry:\*\*.*registered version 1 of BankChurnClassifier.*moved alias champion to version 1/)
    assert.equal(first.outputs.verdict, 'no-baseline')
    assert.equal(first.outputs['model-version'], '1')
    assert.ok(existsSync(join(clone, 'mlruns', first.outputs['experiment-id'] as string, first.outputs['run-id'] as string, 'meta.yaml')))

    const second = await cli(clone, bankChurn('v2'))
    assert.equal(second.code, 0, second.stderr)
    assert.match(second.stdout, /^## MLflow report · bank-churn vs BankChurnClassifier@\u200bchampion \(version 1\)$/m)
    assert.match(second.stdout, /✅ \*\*Better\*\*: 15 improved, 0 regressed, 0 within tolerance, 4 informational/)
    assert.deepEqual(row(second.stdout, 'test_f1'), ['test_f1', '0.6067', '0.6475', '+0.0408', '+6.7%', '✅ improved'])
    assert.deepEqual(row(second.stdout, 'test_precision'), ['test_precision', '0.7411', '0.7813', '+0.0402', '+5.4%', '✅ improved'])
    assert.deepEqual(row(second.stdout, 'val_loss'), ['val_loss', '0.3341', '0.3293', '−0.0048', '−1.4%', '✅ improved'])
    assert.deepEqual(row(second.stdout, 'biz_saved_revenue_usd'), [
      'biz_saved_revenue_usd', '$144,210', '$155,250', '+$11,040', '+7.7%', '✅ improved',
    ])
    assert.deepEqual(row(second.stdout, 'biz_detected_churners'), ['biz_detected_churners', '209', '225', '+16', '+7.7%', '✅ improved'])
    assert.deepEqual(row(second.stdout, 'model.n_estimators'), ['model.n_estimators', '100', '200'])
    assert.doesNotMatch(second.stdout, /Registry/)
    assert.equal(second.outputs.verdict, 'better')
    assert.equal(second.outputs['baseline-run-id'], first.outputs['run-id'])
    assert.equal(second.outputs['baseline-version'], '1')
    assert.equal(second.outputs['model-version'], undefined)

    const rootDir = join(clone, 'mlruns')
    const py = await runPython<PyStore>('cli_read_store.py', [`file:${rootDir}`, 'bank-churn', 'BankChurnClassifier'], {
      ...PYTHON_ENV,
      MLFLOW_TRACKING_URI: `file:${rootDir}`,
    })
    assert.deepEqual(py.experiment, { id: first.outputs['experiment-id'], name: 'bank-churn' })
    assert.deepEqual(
      py.runs.map((r) => [r.run_id, r.run_name, r.status]),
      [
        [first.outputs['run-id'], 'bank-churn-v1', 'FINISHED'],
        [second.outputs['run-id'], 'bank-churn-v2', 'FINISHED'],
      ],
    )
    const [v1, v2] = py.runs as [PyStore['runs'][number], PyStore['runs'][number]]
    assert.equal(v1.metrics.test_f1, 0.6067)
    assert.equal(v1.metrics.biz_saved_revenue_usd, 144210)
    assert.equal(v2.metrics.biz_saved_revenue_usd, 155250)
    assert.equal(v2.metrics.biz_false_positives, 63)
    assert.equal(v1.metrics.cv_f1_fold, 0.6127, 'the latest value of a per-fold metric is its last fold')
    assert.deepEqual(v1.history.cv_f1_fold, [[0, 0.5981], [1, 0.6213], [2, 0.6042], [3, 0.5894], [4, 0.6127]])
    assert.deepEqual(v1.history.train_loss, [[0, 0.4213], [1, 0.3187], [2, 0.2794], [3, 0.2602], [4, 0.2519]])
    assert.equal(v2.history.val_loss?.length, 10)
    assert.deepEqual(v1.history.test_f1, [[0, 0.6067]])
    assert.equal(v1.params['model.n_estimators'], '100')
    assert.equal(v2.params['model.n_estimators'], '200')
    assert.equal(v1.params['data.categorical_features'], '["Geography","Gender"]')
    assert.equal(v1.tags['mlflow.runName'], 'bank-churn-v1')
    assert.equal(v1.tags['mlflow.user'], 'ada')
    assert.equal(v1.tags['mlflow.source.type'], 'JOB')
    assert.deepEqual(v1.artifacts, [
      'config/config.yaml',
      'model/MLmodel',
      'model/code/churn_scorecard.py',
      'model/data/scorecard.json',
      'training_results.json',
    ])
    assert.equal(v1.artifact_uri, `file://${rootDir}/${first.outputs['experiment-id']}/${first.outputs['run-id']}/artifacts`)

    assert.deepEqual(py.registered_model, { name: 'BankChurnClassifier', aliases: { champion: '1' } })
    assert.deepEqual(py.versions, ['1'])
    assert.equal(py.champion.version, '1')
    assert.equal(py.champion.run_id, first.outputs['run-id'])
    assert.equal(py.champion.source, `${v1.artifact_uri}/model`)
    assert.equal(py.champion.status, 'READY')
    assert.deepEqual(py.champion.aliases, ['champion'])
    assert.equal(py.champion.tags['gate.verdict'], 'no-baseline')
    // The registered example model is a text-only pyfunc model: it loads from the registry and predicts.
    assert.deepEqual(py.predictions, [1, 0])
  })

  test('a store that MLflow’s Python client wrote is the CLI’s baseline', async () => {
    const clone = freshClone()
    const rootDir = join(clone, 'mlruns')
    const written = await runPython<{ run_id: string; version: string; metrics: Record<string, number> }>(
      'cli_write_baseline.py',
      [`file:${rootDir}`, 'bank-churn', 'BankChurnClassifier', join(clone, 'examples', 'bank-churn', 'v1')],
      { ...PYTHON_ENV, MLFLOW_TRACKING_URI: `file:${rootDir}` },
    )
    assert.equal(written.version, '1')
    assert.equal(written.metrics.biz_saved_revenue_usd, 144210)

    const run = await cli(clone, bankChurn('v2'))
    assert.equal(run.code, 0, run.stderr)
    assert.match(run.stdout, /^## MLflow report · bank-churn vs BankChurnClassifier@\u200bchampion \(version 1\)$/m)
    assert.equal(run.outputs['baseline-run-id'], written.run_id)
    assert.equal(run.outputs['baseline-version'], '1')
    assert.equal(run.outputs.verdict, 'better')
    assert.deepEqual(row(run.stdout, 'test_f1'), ['test_f1', '0.6067', '0.6475', '+0.0408', '+6.7%', '✅ improved'])
    assert.deepEqual(row(run.stdout, 'cv_accuracy_mean'), ['cv_accuracy_mean', '0.8611', '0.8729', '+0.0118', '+1.4%', '✅ improved'])
    assert.deepEqual(row(run.stdout, 'biz_saved_revenue_usd'), [
      'biz_saved_revenue_usd', '$144,210', '$155,250', '+$11,040', '+7.7%', '✅ improved',
    ])
    assert.deepEqual(row(run.stdout, 'model.n_estimators'), ['model.n_estimators', '100', '200'])
    // The seed's run_mlflow.py skips per-fold lists; the CLI logs them, so they are new here.
    assert.equal(row(run.stdout, 'cv_f1')[1], '—')
    // The new run went into the experiment Python created.
    const experiments = readdirSync(rootDir).filter((d) => /^\d+$/.test(d) && d !== '0')
    assert.equal(experiments.length, 1)
    assert.equal(run.outputs['experiment-id'], experiments[0])
  })

  test('car prices: an explicit runs:/ baseline, errors that should go down, a tolerance from --metrics', async () => {
    const clone = freshClone()
    const common = ['--experiment-name', 'car-prices', '--params-files']
    const v1 = await cli(clone, [...common, 'examples/car-prices/v1/config.yaml', '--results', 'examples/car-prices/v1/training_results.json'])
    assert.equal(v1.code, 0, v1.stderr)
    assert.match(v1.stdout, /no baseline is configured/)
    const v2 = await cli(clone, [
      ...common, 'examples/car-prices/v2/config.yaml',
      '--results', 'examples/car-prices/v2/training_results.json',
      '--model-path', 'examples/car-prices/v2/model.json',
      '--baseline', `runs:/${v1.outputs['run-id']}`,
      '--metrics', 'test_r2: {tolerance: 0.05}',
    ])
    assert.equal(v2.code, 0, v2.stderr)
    assert.equal(v2.outputs['baseline-run-id'], v1.outputs['run-id'])
    assert.deepEqual(row(v2.stdout, 'test_rmse'), ['test_rmse', '2,952', '2,788', '−163.3', '−5.5%', '✅ improved'])
    assert.equal(row(v2.stdout, 'test_mae')[5], '✅ improved')
    assert.equal(row(v2.stdout, 'test_r2')[5], '➖ within ±0.05')
    assert.deepEqual(row(v2.stdout, 'model.max_depth'), ['model.max_depth', '4', '6'])
    assert.doesNotMatch(v2.stdout, /Business metrics/)
    // A single model file is logged under model/.
    const artifacts = join(clone, 'mlruns', v2.outputs['experiment-id'] as string, v2.outputs['run-id'] as string, 'artifacts')
    assert.deepEqual(readdirSync(join(artifacts, 'model')), ['model.json'])
  })

  test('telecom plans: a 3×3 matrix gets no business metrics; a regression fails the gate and is not registered', async () => {
    const clone = freshClone()
    const telecom = (version: string, ...extra: string[]) => [
      '--experiment-name', 'telecom-plans',
      '--results', `examples/telecom-plans/${version}/training_results.json`,
      '--params-files', `examples/telecom-plans/${version}/config.yaml`,
      '--model-path', `examples/telecom-plans/${version}/model.json`,
      '--model-name', 'TelecomPlanClassifier',
      '--register', 'always',
      ...extra,
    ]
    const v1 = await cli(clone, telecom('v1'))
    assert.equal(v1.code, 0, v1.stderr)
    assert.match(v1.stderr, /notice: .*the confusion matrix is 3×3; business metrics need a binary \(2×2\) one/)
    assert.equal(v1.outputs['model-version'], '1')

    const v2 = await cli(clone, telecom('v2', '--fail-on-regression', 'true'))
    assert.equal(v2.code, 1, v2.stderr)
    assert.equal(v2.outputs.verdict, 'worse')
    assert.deepEqual(row(v2.stdout, 'test_accuracy'), ['test_accuracy', '0.8009', '0.7854', '−0.0155', '−1.9%', '❌ regressed'])
    assert.deepEqual(row(v2.stdout, 'test_f1_weighted'), ['test_f1_weighted', '0.801', '0.7852', '−0.0158', '−2.0%', '❌ regressed'])
    assert.doesNotMatch(v2.stdout, /biz_/)
    assert.match(v2.stdout, /\*\*Registry:\*\* not registered: register-if is not-worse and a gated metric regressed/)
    assert.match(v2.stderr, /mlflow-pr-report: \d+ gated metric\(s\) regressed past their tolerance: .*test_accuracy \(0\.8009 → 0\.7854\)/)
    assert.equal(v2.outputs['model-version'], undefined)
    const model = join(clone, 'mlruns', 'models', 'TelecomPlanClassifier')
    assert.deepEqual(readdirSync(model).filter((d) => d.startsWith('version-')), ['version-1'])
    assert.match(readFileSync(join(model, 'meta.yaml'), 'utf8'), /champion: '1'/)
  })
})

describe('bad CLI use', () => {
  const valid = ['--experiment-name', 'bank-churn', '--results', 'examples/bank-churn/v1/training_results.json']
  const cases: Array<{ name: string; args: string[]; message: RegExp }> = [
    { name: 'an unknown option', args: [...valid, '--treshold', '0.5'], message: /Unknown option '--treshold'/ },
    { name: 'a positional argument', args: [...valid, 'examples/bank-churn/v1'], message: /Unexpected argument 'examples\/bank-churn\/v1'/ },
    { name: 'an option without its value', args: [...valid, '--model-name'], message: /Option '--model-name <value>' argument missing/ },
    {
      name: 'a missing results file',
      args: ['--experiment-name', 'x', '--results', 'examples/bank-churn/v3/training_results.json'],
      message: /--results: "examples\/bank-churn\/v3\/training_results\.json" does not exist/,
    },
    { name: 'a missing params file', args: [...valid, '--params-files', 'config.yml'], message: /--params-files: "config\.yml" does not exist/ },
    { name: 'a missing model', args: [...valid, '--model-path', 'model.pkl'], message: /--model-path: "model\.pkl" does not exist/ },
    { name: 'a path outside the directory', args: [...valid, '--params-files', '../config.yaml'], message: /--params-files: .*"\.\."/ },
    { name: 'a boolean that is not one', args: [...valid, '--fail-on-regression', 'maybe'], message: /--fail-on-regression: expected true or false/ },
    { name: 'a business value that is not a number', args: [...valid, '--business', 'clv: abc'], message: /--business: .*expected number.*clv/ },
    { name: 'an unknown business setting', args: [...valid, '--business', 'lifetime_value: 2300'], message: /--business: .*lifetime_value/ },
    { name: 'a metric rule with an unknown goal', args: [...valid, '--metrics', 'test_f1: {goal: up}'], message: /--metrics: .*"max"\|"min"\|"none".*test_f1\.goal/ },
    { name: 'an unknown register mode', args: [...valid, '--register', 'sometimes'], message: /--register: expected one of never, on-merge, always/ },
    { name: 'registering without a model', args: [...valid, '--model-name', 'M', '--register', 'always'], message: /--model-path: register: always needs a model/ },
    { name: 'a baseline that is no URI', args: [...valid, '--baseline', 'champion'], message: /--baseline: "champion" is not a baseline/ },
    { name: 'an unsupported tracking URI', args: [...valid, '--tracking-uri', 'sqlite:///mlflow.db'], message: /--tracking-uri: .*not supported/ },
    { name: 'a malformed params line', args: [...valid, '--params', 'n_estimators'], message: /--params: expected one key=value per line/ },
  ]

  for (const { name, args, message } of cases) {
    test(`${name}: exit 2, a message naming the option, no ./mlruns`, async () => {
      const clone = freshClone()
      const run = await cli(clone, args)
      assert.equal(run.code, 2, run.stderr)
      assert.match(run.stderr, /^mlflow-pr-report: /)
      assert.match(run.stderr, message)
      assert.equal(run.stdout, '')
      assert.equal(existsSync(join(clone, 'mlruns')), false, 'the store was created')
    })
  }

  test('a malformed results file: exit 2, the file and JSON path named, an existing store untouched', async () => {
    const clone = freshClone()
    const ok = await cli(clone, bankChurn('v1', '--register', 'always'))
    assert.equal(ok.code, 0, ok.stderr)
    const before = snapshot(join(clone, 'mlruns'))
    writeFileSync(join(clone, 'bad.json'), '{"test_results": {"metrics": {"f1": 0.6}, "confusion_matrix": [[1, 2], [3]]}}')

    const bad = await cli(clone, [...bankChurn('v2'), '--results', 'bad.json'])
    assert.equal(bad.code, 2, bad.stderr)
    assert.match(bad.stderr, /invalid input: bad\.json: at \$\.test_results\.confusion_matrix.*square matrix/)
    const typo = await cli(clone, [...bankChurn('v2'), '--register-if', 'improved'])
    assert.equal(typo.code, 2, typo.stderr)
    assert.match(typo.stderr, /--register-if: expected one of always, not-worse, better/)
    assert.deepEqual(snapshot(join(clone, 'mlruns')), before)
  })
})

describe('--help', () => {
  test('exits 0 and explains every input of action.yml', async () => {
    const clone = freshClone()
    for (const flag of ['--help', '-h']) {
      const run = await cli(clone, [flag])
      assert.equal(run.code, 0, run.stderr)
      assert.match(run.stdout, /^Usage: mlflow-pr-report \[options\]/)
      assert.ok(ACTION_INPUTS.length >= 21)
      for (const input of ACTION_INPUTS) {
        // The option, its value, and a description on the same line or the next.
        const line = new RegExp(`^  --${input} <[^>]+>(?: +\\S.*|\\n {30}\\S.*)$`, 'm')
        assert.match(run.stdout, line, `--help does not explain --${input}`)
      }
      assert.match(run.stdout, /Exit status: 0 .*1 .*\n2 invalid options/)
      assert.equal(existsSync(join(clone, 'mlruns')), false)
    }
  })
})

/** Every file and directory under `dir` with its size and modification time. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {}
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }).sort()) {
    const stats = statSync(join(dir, entry))
    entries[entry] = `${stats.isDirectory() ? 'dir' : stats.size} ${stats.mtimeMs}`
  }
  return entries
}
