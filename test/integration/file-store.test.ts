// The file store against MLflow's own Python client: what we write, MLflow reads, and the other
// way round. Run with `node scripts/run-tests.js test/integration/file-store.test.ts`.
import assert from 'node:assert/strict'
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { openFileStore } from '../../src/mlflow/file/open-file-store.js'
import { runPython, uniqueName } from '../support/mlflow.js'

const PYTHON_ENV = { MLFLOW_ALLOW_FILE_STORE: 'true' }

interface PyVersion {
  name: string
  version: string
  source: string
  run_id: string | null
  current_stage: string
  status: string
  description: string | null
  aliases: string[]
  tags: Record<string, string>
}

interface PyReadBack {
  experiment: { id: string; name: string; artifact_location: string; lifecycle_stage: string }
  default_experiment: string
  run: {
    run_id: string
    run_name: string
    experiment_id: string
    status: string
    start_time: number
    end_time: number | null
    artifact_uri: string
    lifecycle_stage: string
    user_id: string | null
    metrics: Record<string, number | string>
    params: Record<string, string>
    tags: Record<string, string>
  }
  history: Record<string, Array<[number, number | string, number]>>
  artifacts: Array<{ path: string; is_dir: boolean; file_size: number | null }>
  artifact_contents: Record<string, string>
  searched_run_ids: string[]
  registered_model: { name: string; description: string | null; aliases: Record<string, string>; tags: Record<string, string> }
  champion: PyVersion
  latest_production: PyVersion[]
  latest_all: PyVersion[]
  versions: PyVersion[]
  versions_of_run: string[]
}

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'file-store-it-'))
}

// Strings that PyYAML would read as something else if they were written unquoted, and a markdown
// table like the one the register step puts in a version's description.
const TRICKY_DESCRIPTION =
  '| metric | baseline | candidate |\n| --- | --- | --- |\n| test_f1 | 0.61 | 0.63 ✅ |\n\nyes: on # not a comment\n  indented: "quoted" \'single\'\n'

describe('file store ↔ MLflow Python client', () => {
  test('MLflow reads back everything we write', async () => {
    const work = await tempDir()
    try {
      // A relative `file:` URI, resolved against the working directory, as `file:./mlruns` is.
      const { tracking, registry, rootDir } = openFileStore('file:./mlruns', work)
      assert.equal(rootDir, join(work, 'mlruns'))
      const experimentName = uniqueName('file-it')
      const modelName = uniqueName('FileModel')

      const experimentId = await tracking.createExperiment(experimentName)
      const run = await tracking.createRun({
        experimentId,
        runName: 'pr-7-abc1234',
        startTime: 1_700_000_000_000,
        userId: 'octocat',
        tags: [
          { key: 'team', value: 'churn' },
          { key: 'mlflow.source.type', value: 'JOB' },
        ],
      })
      const runId = run.info.runId
      await tracking.logBatch(runId, {
        metrics: [
          { key: 'train_loss', value: 0.9, timestamp: 1_700_000_000_100, step: 0 },
          { key: 'train_loss', value: 0.7, timestamp: 1_700_000_000_101, step: 1 },
          { key: 'train_loss', value: 0.6, timestamp: 1_700_000_000_102, step: 2 },
          { key: 'test_f1', value: 0.63, timestamp: 1_700_000_000_200, step: 0 },
          { key: 'biz_saved_revenue_usd', value: 144_210, timestamp: 1_700_000_000_200, step: 0 },
          { key: 'cv/f1_fold', value: NaN, timestamp: 1_700_000_000_300, step: 0 },
          { key: 'cv/f1_fold', value: Infinity, timestamp: 1_700_000_000_300, step: 1 },
          { key: 'tiny', value: 1.5e-7, timestamp: 1_700_000_000_300, step: 0 },
        ],
        params: [
          { key: 'model.n_estimators', value: '200' },
          { key: 'model/max_depth', value: '7' },
          { key: 'flag', value: 'yes' },
        ],
        tags: [
          { key: 'github.pr', value: '7' },
          { key: 'mlflow.note.content', value: 'Candidate for [#7](https://github.com/o/r/pull/7)\nsecond line' },
        ],
      })

      const source = join(work, 'src-files')
      await mkdir(join(source, 'plots'), { recursive: true })
      await writeFile(join(source, 'roc.txt'), 'roc curve data')
      await writeFile(join(source, 'results.json'), '{"f1": 0.63}')
      const artifacts = tracking.artifacts(run.info.artifactUri)
      await artifacts.logFile(join(source, 'results.json'), 'training_results.json')
      await artifacts.logFile(join(source, 'roc.txt'), 'reports/plots/roc.txt')
      await tracking.updateRun(runId, 'FINISHED', 1_700_000_005_000)

      await registry.createRegisteredModel(modelName, 'Churn classifier')
      const v1 = await registry.createModelVersion({
        name: modelName,
        source: `${run.info.artifactUri}/model`,
        runId,
        tags: { 'github.pr': '7' },
      })
      const v2 = await registry.createModelVersion({
        name: modelName,
        source: `${run.info.artifactUri}/model`,
        runId,
        description: TRICKY_DESCRIPTION,
        tags: { 'gate.verdict': 'better' },
      })
      assert.deepEqual([v1.version, v2.version], ['1', '2'])
      await registry.setModelVersionTag(modelName, '2', 'github.commit', 'abc1234')
      await registry.setRegisteredModelAlias(modelName, 'champion', '2')
      await registry.transitionModelVersionStage(modelName, '2', 'Production', true)

      const py = await runPython<PyReadBack>(
        'file_store_read.py',
        [`file://${rootDir}`, experimentName, runId, modelName],
        { ...PYTHON_ENV, MLFLOW_TRACKING_URI: `file://${rootDir}` },
      )

      assert.deepEqual(py.experiment, {
        id: experimentId,
        name: experimentName,
        artifact_location: `file://${rootDir}/${experimentId}`,
        lifecycle_stage: 'active',
      })
      assert.match(experimentId, /^[1-9]\d{17}$/)
      assert.equal(py.default_experiment, 'Default')

      assert.deepEqual(py.run, {
        run_id: runId,
        run_name: 'pr-7-abc1234',
        experiment_id: experimentId,
        status: 'FINISHED',
        start_time: 1_700_000_000_000,
        end_time: 1_700_000_005_000,
        artifact_uri: `file://${rootDir}/${experimentId}/${runId}/artifacts`,
        lifecycle_stage: 'active',
        user_id: 'octocat',
        metrics: {
          train_loss: 0.6,
          test_f1: 0.63,
          biz_saved_revenue_usd: 144_210,
          'cv/f1_fold': 'inf',
          tiny: 1.5e-7,
        },
        params: { 'model.n_estimators': '200', 'model/max_depth': '7', flag: 'yes' },
        tags: {
          'mlflow.runName': 'pr-7-abc1234',
          team: 'churn',
          'mlflow.source.type': 'JOB',
          'github.pr': '7',
          'mlflow.note.content': 'Candidate for [#7](https://github.com/o/r/pull/7)\nsecond line',
        },
      })
      assert.deepEqual(py.history.train_loss, [
        [1_700_000_000_100, 0.9, 0],
        [1_700_000_000_101, 0.7, 1],
        [1_700_000_000_102, 0.6, 2],
      ])
      assert.deepEqual(py.history['cv/f1_fold'], [
        [1_700_000_000_300, 'nan', 0],
        [1_700_000_000_300, 'inf', 1],
      ])

      assert.deepEqual(py.artifacts, [
        { path: 'reports', is_dir: true, file_size: null },
        { path: 'reports/plots', is_dir: true, file_size: null },
        { path: 'reports/plots/roc.txt', is_dir: false, file_size: 14 },
        { path: 'training_results.json', is_dir: false, file_size: 12 },
      ])
      assert.deepEqual(py.artifact_contents, {
        'training_results.json': '{"f1": 0.63}',
        'reports/plots/roc.txt': 'roc curve data',
      })
      assert.deepEqual(py.searched_run_ids, [runId])

      assert.deepEqual(py.registered_model, {
        name: modelName,
        description: 'Churn classifier',
        aliases: { champion: '2' },
        tags: {},
      })
      const expectedV2: PyVersion = {
        name: modelName,
        version: '2',
        source: `file://${rootDir}/${experimentId}/${runId}/artifacts/model`,
        run_id: runId,
        current_stage: 'Production',
        status: 'READY',
        description: TRICKY_DESCRIPTION,
        aliases: ['champion'],
        tags: { 'gate.verdict': 'better', 'github.commit': 'abc1234' },
      }
      const expectedV1: PyVersion = {
        ...expectedV2,
        version: '1',
        current_stage: 'None',
        description: null,
        aliases: [],
        tags: { 'github.pr': '7' },
      }
      assert.deepEqual(py.champion, expectedV2)
      assert.deepEqual(py.latest_production, [expectedV2])
      assert.deepEqual(py.latest_all, [expectedV1, expectedV2])
      assert.deepEqual(py.versions, [expectedV1, expectedV2])
      assert.deepEqual(py.versions_of_run.sort(), ['1', '2'])

      // The files themselves, as MLflow lays them out.
      const runDir = join(rootDir, experimentId, runId)
      assert.equal(
        await readFile(join(runDir, 'metrics', 'train_loss'), 'utf8'),
        '1700000000100 0.9 0\n1700000000101 0.7 1\n1700000000102 0.6 2\n',
      )
      assert.equal(await readFile(join(runDir, 'metrics', 'biz_saved_revenue_usd'), 'utf8'), '1700000000200 144210.0 0\n')
      assert.equal(await readFile(join(runDir, 'params', 'model', 'max_depth'), 'utf8'), '7')
      assert.equal(await readFile(join(rootDir, 'models', modelName, 'aliases', 'champion'), 'utf8'), '2')
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })

  test('we read everything MLflow writes, and add to it', async () => {
    const work = await tempDir()
    try {
      const rootDir = join(work, 'mlruns')
      const uri = `file://${rootDir}`
      const experimentName = uniqueName('py-file-it')
      const modelName = uniqueName('PyModel')
      const written = await runPython<{
        experiment_id: string
        run_id: string
        old_run_id: string
        artifact_uri: string
        experiment_artifact_location: string
        v1: string
        v2: string
      }>('file_store_write.py', [uri, experimentName, modelName, work], { ...PYTHON_ENV, MLFLOW_TRACKING_URI: uri })

      const { tracking, registry } = openFileStore(uri, '/')
      assert.deepEqual(await tracking.getExperimentByName(experimentName), {
        experimentId: written.experiment_id,
        name: experimentName,
        artifactLocation: written.experiment_artifact_location,
        lifecycleStage: 'active',
      })
      assert.equal((await tracking.getExperimentByName('Default'))?.experimentId, '0')
      assert.equal(await tracking.getExperimentByName('no such experiment'), undefined)

      const run = await tracking.getRun(written.run_id)
      assert.ok(run)
      assert.deepEqual(
        { ...run.info, userId: undefined },
        {
          runId: written.run_id,
          experimentId: written.experiment_id,
          runName: 'py-run',
          status: 'FINISHED',
          startTime: 1_700_000_001_000,
          endTime: 1_700_000_002_000,
          artifactUri: written.artifact_uri,
          lifecycleStage: 'active',
          userId: undefined,
        },
      )
      assert.equal(run.data.metrics.train_loss, 0.6)
      assert.equal(run.data.metrics.test_f1, 0.61)
      assert.equal(run.data.metrics.big, 1e20)
      assert.equal(run.data.metrics.odd, -Infinity)
      assert.deepEqual(run.data.params, { 'model.n_estimators': '200', 'model/depth': '7', note: 'yes' })
      assert.equal(run.data.tags['mlflow.runName'], 'py-run')
      assert.equal(run.data.tags['nested/tag'], 'deep value')
      assert.equal(run.data.tags['github.pr'], '42')
      assert.equal(run.data.tags['mlflow.note.content'], 'line one\nline: two # three')

      assert.deepEqual(await tracking.getMetricHistory(written.run_id, 'train_loss'), [
        { key: 'train_loss', value: 0.9, timestamp: 1_700_000_001_100, step: 0 },
        { key: 'train_loss', value: 0.7, timestamp: 1_700_000_001_101, step: 1 },
        { key: 'train_loss', value: 0.6, timestamp: 1_700_000_001_102, step: 2 },
      ])
      const odd = await tracking.getMetricHistory(written.run_id, 'odd')
      assert.ok(Number.isNaN(odd[0]?.value))
      assert.equal(odd[1]?.value, -Infinity)

      const byTag = await tracking.searchRuns({ experimentIds: [written.experiment_id], tags: { team: 'churn' } })
      assert.deepEqual(
        byTag.map((r) => r.info.runId),
        [written.run_id, written.old_run_id],
      )
      const failed = await tracking.searchRuns({
        experimentIds: [written.experiment_id],
        tags: { team: 'churn' },
        status: 'FAILED',
      })
      assert.deepEqual(
        failed.map((r) => r.info.runId),
        [written.old_run_id],
      )

      const artifacts = tracking.artifacts(run.info.artifactUri)
      assert.deepEqual(await artifacts.list(), [
        { path: 'reports', isDir: true },
        { path: 'training_results.json', isDir: false, fileSize: 12 },
      ])
      assert.deepEqual(await artifacts.list('reports/plots'), [{ path: 'reports/plots/roc.txt', isDir: false, fileSize: 9 }])

      assert.deepEqual(await registry.getRegisteredModel(modelName), {
        name: modelName,
        description: 'churn model',
        aliases: { champion: written.v2 },
        tags: { owner: 'ml' },
      })
      const champion = await registry.getModelVersionByAlias(modelName, 'champion')
      assert.deepEqual(champion, {
        name: modelName,
        version: written.v2,
        source: `${written.artifact_uri}/model`,
        runId: written.run_id,
        currentStage: 'Staging',
        status: 'READY',
        aliases: ['champion'],
        tags: { 'gate.verdict': 'better' },
        creationTimestamp: champion?.creationTimestamp,
      })
      assert.ok(Number.isInteger(champion?.creationTimestamp) && (champion?.creationTimestamp ?? 0) > 0)
      const production = await registry.getLatestVersions(modelName, ['Production'])
      assert.deepEqual(
        production.map((v) => [v.version, v.currentStage, v.description]),
        [[written.v1, 'Production', 'first']],
      )
      const all = await registry.searchModelVersions({ name: modelName })
      assert.deepEqual(all.map((v) => v.version).sort(), [written.v1, written.v2])
      assert.deepEqual(
        (await registry.searchModelVersions({ name: modelName, runId: written.run_id })).length,
        2,
      )
      assert.deepEqual(await registry.searchModelVersions({ name: modelName, runId: 'f'.repeat(32) }), [])
      assert.equal(await registry.getModelVersionByAlias(modelName, 'missing'), undefined)

      // We add to MLflow's store: a new version becomes champion and Production; MLflow agrees.
      const v3 = await registry.createModelVersion({
        name: modelName,
        source: `${written.artifact_uri}/model`,
        runId: written.run_id,
        tags: {},
      })
      assert.equal(v3.version, '3')
      await registry.setRegisteredModelAlias(modelName, 'champion', '3')
      await registry.transitionModelVersionStage(modelName, '3', 'Production', true)
      const py = await runPython<PyReadBack>(
        'file_store_read.py',
        [uri, experimentName, written.run_id, modelName],
        { ...PYTHON_ENV, MLFLOW_TRACKING_URI: uri },
      )
      assert.equal(py.champion.version, '3')
      assert.deepEqual(
        py.versions.map((v) => [v.version, v.current_stage, v.aliases]),
        [
          ['1', 'Archived', []],
          ['2', 'Staging', []],
          ['3', 'Production', ['champion']],
        ],
      )
      assert.deepEqual(py.registered_model.aliases, { champion: '3' })
      assert.deepEqual(py.searched_run_ids, [written.run_id])
    } finally {
      await rm(work, { recursive: true, force: true })
    }
  })
})
