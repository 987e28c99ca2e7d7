import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parse, stringify } from 'yaml'
import type { RunTag } from '../../../src/mlflow/entities.js'
import { MlflowStoreError } from '../../../src/mlflow/store-error.js'
import { openFileStore } from '../../../src/mlflow/file/open-file-store.js'

async function withStore(fn: (store: ReturnType<typeof openFileStore> & { cwd: string }) => Promise<void>) {
  const cwd = await mkdtemp(join(tmpdir(), 'file-tracking-'))
  try {
    await fn({ ...openFileStore('file:./mlruns', cwd), cwd })
  } finally {
    await rm(cwd, { recursive: true, force: true })
  }
}

const yamlFile = async (path: string) => parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>

async function editYaml(path: string, changes: Record<string, unknown>) {
  await writeFile(path, stringify({ ...(await yamlFile(path)), ...changes }))
}

const errorCode = (code: string) => (error: unknown) => error instanceof MlflowStoreError && error.errorCode === code

describe('FileTrackingStore', () => {
  test('a new store gets the default experiment, .trash and models/, as MLflow creates them', async () => {
    await withStore(async ({ tracking, rootDir, cwd }) => {
      assert.equal(rootDir, join(cwd, 'mlruns'))
      assert.equal(tracking.displayUri, 'file:./mlruns')
      assert.deepEqual(await tracking.getExperimentByName('Default'), {
        experimentId: '0',
        name: 'Default',
        artifactLocation: `file://${rootDir}/0`,
        lifecycleStage: 'active',
      })
      assert.deepEqual((await readdir(rootDir)).sort(), ['.trash', '0', 'models'])
      const meta = await yamlFile(join(rootDir, '0', 'meta.yaml'))
      assert.equal(meta.experiment_id, '0')
      assert.equal(typeof meta.creation_time, 'number')
      assert.equal(meta.creation_time, meta.last_update_time)
    })
  })

  test('an existing store is left as it is', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      await mkdir(rootDir)
      assert.equal(await tracking.getExperimentByName('Default'), undefined)
      assert.deepEqual((await readdir(rootDir)).sort(), ['.trash', 'models'])
    })
  })

  test('createExperiment: an 18-digit id, its meta.yaml, and no second experiment of that name', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const id = await tracking.createExperiment('churn')
      assert.match(id, /^[1-9]\d{17}$/)
      const meta = await yamlFile(join(rootDir, id, 'meta.yaml'))
      assert.deepEqual(
        { ...meta, creation_time: 0, last_update_time: 0 },
        {
          artifact_location: `file://${rootDir}/${id}`,
          creation_time: 0,
          effective_trace_archival_retention: null,
          experiment_id: id,
          last_update_time: 0,
          lifecycle_stage: 'active',
          name: 'churn',
          trace_location: null,
          workspace: 'default',
        },
      )
      assert.equal((await tracking.getExperimentByName('churn'))?.experimentId, id)
      assert.equal(await tracking.getExperimentByName('Churn'), undefined)
      await assert.rejects(tracking.createExperiment('churn'), errorCode('RESOURCE_ALREADY_EXISTS'))
      await assert.rejects(tracking.createExperiment(''), errorCode('INVALID_PARAMETER_VALUE'))
      assert.notEqual(await tracking.createExperiment('other'), id)
    })
  })

  test('a deleted experiment (in .trash) is still found by name and blocks the name', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const id = await tracking.createExperiment('old')
      await editYaml(join(rootDir, id, 'meta.yaml'), { lifecycle_stage: 'deleted' })
      await rename(join(rootDir, id), join(rootDir, '.trash', id))
      assert.equal((await tracking.getExperimentByName('old'))?.lifecycleStage, 'deleted')
      await assert.rejects(tracking.createExperiment('old'), /deleted state/)
      await assert.rejects(
        tracking.createRun({ experimentId: id, runName: 'r', startTime: 1, tags: [] }),
        errorCode('INVALID_STATE'),
      )
    })
  })

  test('createRun writes the run as MLflow does', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const run = await tracking.createRun({
        experimentId,
        runName: 'pr-1-abcdef0',
        startTime: 1_700_000_000_000,
        userId: 'octocat',
        tags: [{ key: 'github.pr', value: '1' }],
      })
      assert.match(run.info.runId, /^[0-9a-f]{32}$/)
      const runDir = join(rootDir, experimentId, run.info.runId)
      const artifactUri = `file://${runDir}/artifacts`
      assert.deepEqual(run, {
        info: {
          runId: run.info.runId,
          experimentId,
          runName: 'pr-1-abcdef0',
          status: 'RUNNING',
          startTime: 1_700_000_000_000,
          artifactUri,
          lifecycleStage: 'active',
          userId: 'octocat',
        },
        data: { metrics: {}, params: {}, tags: { 'github.pr': '1', 'mlflow.runName': 'pr-1-abcdef0' } },
      })
      assert.deepEqual(await yamlFile(join(runDir, 'meta.yaml')), {
        artifact_uri: artifactUri,
        end_time: null,
        entry_point_name: '',
        experiment_id: experimentId,
        lifecycle_stage: 'active',
        run_id: run.info.runId,
        run_name: 'pr-1-abcdef0',
        source_name: '',
        source_type: 4,
        source_version: '',
        start_time: 1_700_000_000_000,
        status: 1,
        tags: [],
        user_id: 'octocat',
      })
      assert.deepEqual((await readdir(runDir)).sort(), ['artifacts', 'meta.yaml', 'metrics', 'params', 'tags'])
      assert.equal(await readFile(join(runDir, 'tags', 'mlflow.runName'), 'utf8'), 'pr-1-abcdef0')
      assert.deepEqual(await tracking.getRun(run.info.runId), run)
    })
  })

  test('createRun: the run name may come from the mlflow.runName tag, but must not contradict it', async () => {
    await withStore(async ({ tracking }) => {
      const experimentId = await tracking.createExperiment('e')
      const tags: RunTag[] = [{ key: 'mlflow.runName', value: 'from-tag' }]
      const run = await tracking.createRun({ experimentId, runName: '', startTime: 1, tags })
      assert.equal(run.info.runName, 'from-tag')
      await assert.rejects(
        tracking.createRun({ experimentId, runName: 'other', startTime: 1, tags }),
        errorCode('INVALID_PARAMETER_VALUE'),
      )
      await assert.rejects(
        tracking.createRun({ experimentId: '123', runName: 'r', startTime: 1, tags: [] }),
        errorCode('RESOURCE_DOES_NOT_EXIST'),
      )
      await assert.rejects(
        tracking.createRun({ experimentId: '../x', runName: 'r', startTime: 1, tags: [] }),
        errorCode('INVALID_PARAMETER_VALUE'),
      )
    })
  })

  test('getRun answers undefined for a missing run and refuses a malformed id', async () => {
    await withStore(async ({ tracking }) => {
      assert.equal(await tracking.getRun('0123456789abcdef0123456789abcdef'), undefined)
      await assert.rejects(tracking.getRun('../../etc'), errorCode('INVALID_PARAMETER_VALUE'))
    })
  })

  test('updateRun stores the status as its number and the end time', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      await tracking.updateRun(info.runId, 'FAILED', 9)
      const meta = await yamlFile(join(rootDir, experimentId, info.runId, 'meta.yaml'))
      assert.deepEqual([meta.status, meta.end_time, meta.run_name], [4, 9, 'r'])
      const run = await tracking.getRun(info.runId)
      assert.deepEqual([run?.info.status, run?.info.endTime], ['FAILED', 9])
      await tracking.updateRun(info.runId, 'FINISHED', 10)
      assert.equal((await yamlFile(join(rootDir, experimentId, info.runId, 'meta.yaml'))).status, 3)
      await assert.rejects(tracking.updateRun('0'.repeat(32), 'FINISHED', 1), errorCode('RESOURCE_DOES_NOT_EXIST'))
    })
  })

  test('logBatch writes metric lines, params and tags in MLflow files; keys with / are sub-folders', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      await tracking.logBatch(info.runId, {
        metrics: [
          { key: 'loss', value: 0.9, timestamp: 100, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 101, step: 2 },
          { key: 'loss', value: 0.7, timestamp: 102, step: 1 },
          { key: 'cv/f1', value: NaN, timestamp: 100, step: 0 },
          { key: 'count', value: 3, timestamp: 100, step: 0 },
        ],
        params: [{ key: 'model/depth', value: '7' }],
        tags: [{ key: 'github.event', value: 'pull_request' }],
      })
      await tracking.logBatch(info.runId, {
        metrics: [{ key: 'loss', value: -Infinity, timestamp: 103, step: 1 }],
        params: [],
        tags: [],
      })
      const runDir = join(rootDir, experimentId, info.runId)
      assert.equal(await readFile(join(runDir, 'metrics', 'loss'), 'utf8'), '100 0.9 0\n101 0.5 2\n102 0.7 1\n103 -inf 1\n')
      assert.equal(await readFile(join(runDir, 'metrics', 'cv', 'f1'), 'utf8'), '100 nan 0\n')
      assert.equal(await readFile(join(runDir, 'metrics', 'count'), 'utf8'), '100 3.0 0\n')
      assert.equal(await readFile(join(runDir, 'params', 'model', 'depth'), 'utf8'), '7')
      assert.equal(await readFile(join(runDir, 'tags', 'github.event'), 'utf8'), 'pull_request')

      const run = await tracking.getRun(info.runId)
      // The value at the highest step (then timestamp), as MLflow's run.data.metrics reports it.
      assert.equal(run?.data.metrics.loss, 0.5)
      assert.ok(Number.isNaN(run?.data.metrics['cv/f1']))
      assert.equal(run?.data.metrics.count, 3)
      assert.deepEqual(run?.data.params, { 'model/depth': '7' })
      assert.equal(run?.data.tags['github.event'], 'pull_request')

      assert.deepEqual(await tracking.getMetricHistory(info.runId, 'loss'), [
        { key: 'loss', value: 0.9, timestamp: 100, step: 0 },
        { key: 'loss', value: 0.5, timestamp: 101, step: 2 },
        { key: 'loss', value: 0.7, timestamp: 102, step: 1 },
        { key: 'loss', value: -Infinity, timestamp: 103, step: 1 },
      ])
      assert.deepEqual(await tracking.getMetricHistory(info.runId, 'never_logged'), [])
      await assert.rejects(tracking.getMetricHistory('0'.repeat(32), 'loss'), errorCode('RESOURCE_DOES_NOT_EXIST'))
    })
  })

  test('params are immutable: the same value again is fine, another value is refused and nothing is written', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      const batch = (params: Array<[string, string]>) => ({
        metrics: [],
        params: params.map(([key, value]) => ({ key, value })),
        tags: [],
      })
      await tracking.logBatch(info.runId, batch([['lr', '0.1']]))
      await tracking.logBatch(info.runId, batch([['lr', '0.1']]))
      await assert.rejects(
        tracking.logBatch(info.runId, batch([['new', 'x'], ['lr', '0.2']])),
        (error: unknown) => error instanceof MlflowStoreError && /changing param values is not allowed/.test(error.message),
      )
      assert.deepEqual((await readdir(join(rootDir, experimentId, info.runId, 'params'))).sort(), ['lr'])
      await assert.rejects(
        tracking.logBatch(info.runId, batch([['a', '1'], ['a', '1']])),
        /duplicate param key/,
      )
    })
  })

  test('logBatch validates keys and values before writing, as MLflow does', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      const bad = [
        { metrics: [{ key: '../escape', value: 1, timestamp: 1, step: 0 }], params: [], tags: [] },
        { metrics: [{ key: 'm', value: 1, timestamp: -1, step: 0 }], params: [], tags: [] },
        { metrics: [{ key: 'm', value: 1, timestamp: 1, step: 0.5 }], params: [], tags: [] },
        { metrics: [], params: [{ key: '/abs', value: 'x' }], tags: [] },
        { metrics: [], params: [{ key: 'long', value: 'x'.repeat(6001) }], tags: [] },
        { metrics: [], params: [], tags: [{ key: 'a//b', value: 'x' }] },
        { metrics: [], params: [], tags: [{ key: 'long', value: 'x'.repeat(8001) }] },
      ]
      for (const batch of bad) await assert.rejects(tracking.logBatch(info.runId, batch), errorCode('INVALID_PARAMETER_VALUE'))
      const runDir = join(rootDir, experimentId, info.runId)
      assert.deepEqual(await readdir(join(runDir, 'metrics')), [])
      assert.deepEqual(await readdir(join(runDir, 'params')), [])
      assert.deepEqual(await readdir(join(runDir, 'tags')), ['mlflow.runName'])
    })
  })

  test('an mlflow.runName tag renames the run in meta.yaml too', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'before', startTime: 5, tags: [] })
      await tracking.logBatch(info.runId, { metrics: [], params: [], tags: [{ key: 'mlflow.runName', value: 'after' }] })
      assert.equal((await yamlFile(join(rootDir, experimentId, info.runId, 'meta.yaml'))).run_name, 'after')
      assert.equal((await tracking.getRun(info.runId))?.info.runName, 'after')
    })
  })

  test('a deleted run can be read but not written', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      await editYaml(join(rootDir, experimentId, info.runId, 'meta.yaml'), { lifecycle_stage: 'deleted' })
      assert.equal((await tracking.getRun(info.runId))?.info.lifecycleStage, 'deleted')
      await assert.rejects(tracking.updateRun(info.runId, 'FINISHED', 9), errorCode('INVALID_STATE'))
      await assert.rejects(tracking.logBatch(info.runId, { metrics: [], params: [], tags: [] }), errorCode('INVALID_STATE'))
    })
  })

  test('searchRuns: tag equality and status, newest start first, no deleted runs or experiments', async () => {
    await withStore(async ({ tracking, rootDir }) => {
      const experimentId = await tracking.createExperiment('e')
      const other = await tracking.createExperiment('other')
      const make = async (experiment: string, startTime: number, tags: Record<string, string>, status?: 'FINISHED') => {
        const { info } = await tracking.createRun({
          experimentId: experiment,
          runName: `r${startTime}`,
          startTime,
          tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
        })
        if (status) await tracking.updateRun(info.runId, status, startTime + 1)
        return info.runId
      }
      const old = await make(experimentId, 100, { 'github.pr': '7' }, 'FINISHED')
      const newest = await make(experimentId, 300, { 'github.pr': '7' }, 'FINISHED')
      const running = await make(experimentId, 400, { 'github.pr': '7' })
      const otherPr = await make(experimentId, 500, { 'github.pr': '8' }, 'FINISHED')
      const inOther = await make(other, 200, { 'github.pr': '7' }, 'FINISHED')
      const deleted = await make(experimentId, 600, { 'github.pr': '7' }, 'FINISHED')
      await editYaml(join(rootDir, experimentId, deleted, 'meta.yaml'), { lifecycle_stage: 'deleted' })
      // Folders that are not runs: a tags/ folder and a folder with no meta.yaml.
      await mkdir(join(rootDir, experimentId, 'tags'), { recursive: true })
      await mkdir(join(rootDir, experimentId, 'not-a-run'))

      const ids = async (query: Parameters<typeof tracking.searchRuns>[0]) =>
        (await tracking.searchRuns(query)).map((r) => r.info.runId)
      assert.deepEqual(await ids({ experimentIds: [experimentId], tags: { 'github.pr': '7' }, status: 'FINISHED' }), [newest, old])
      assert.deepEqual(await ids({ experimentIds: [experimentId], tags: { 'github.pr': '7' } }), [running, newest, old])
      assert.deepEqual(await ids({ experimentIds: [experimentId, other], tags: { 'github.pr': '7' }, status: 'FINISHED' }), [
        newest,
        inOther,
        old,
      ])
      assert.deepEqual(await ids({ experimentIds: [experimentId], maxResults: 2 }), [otherPr, running])
      assert.deepEqual(await ids({ experimentIds: [experimentId], tags: { 'github.pr': '7', missing: 'x' } }), [])

      const full = await tracking.searchRuns({ experimentIds: [experimentId], tags: { 'github.pr': '8' } })
      assert.deepEqual(full, [await tracking.getRun(otherPr)])

      await editYaml(join(rootDir, other, 'meta.yaml'), { lifecycle_stage: 'deleted' })
      await rename(join(rootDir, other), join(rootDir, '.trash', other))
      assert.deepEqual(await ids({ experimentIds: [other] }), [])
      // A run of a deleted experiment can still be fetched by id, as MLflow allows.
      assert.equal((await tracking.getRun(inOther))?.info.experimentId, other)
    })
  })

  test('runs that tie on start time are ordered by run id, as MLflow orders them', async () => {
    await withStore(async ({ tracking }) => {
      const experimentId = await tracking.createExperiment('e')
      const created: string[] = []
      for (let i = 0; i < 5; i++) {
        created.push((await tracking.createRun({ experimentId, runName: `r${i}`, startTime: 7, tags: [] })).info.runId)
      }
      const found = (await tracking.searchRuns({ experimentIds: [experimentId] })).map((r) => r.info.runId)
      assert.deepEqual(found, [...created].sort())
    })
  })

  test('artifacts() writes into the run folder; no web links without a server', async () => {
    await withStore(async ({ tracking, rootDir, cwd }) => {
      const experimentId = await tracking.createExperiment('e')
      const { info } = await tracking.createRun({ experimentId, runName: 'r', startTime: 5, tags: [] })
      await writeFile(join(cwd, 'f.txt'), 'data')
      await tracking.artifacts(info.artifactUri).logFile(join(cwd, 'f.txt'), 'reports/f.txt')
      assert.equal(await readFile(join(rootDir, experimentId, info.runId, 'artifacts', 'reports', 'f.txt'), 'utf8'), 'data')
      assert.equal(tracking.runUrl(experimentId, info.runId), undefined)
      assert.equal(tracking.compareUrl(experimentId, [info.runId]), undefined)
      assert.equal(tracking.modelVersionUrl('m', '1'), undefined)
    })
  })
})
