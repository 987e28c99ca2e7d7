import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import type { Experiment, Metric, Run, RunStatus } from '../../../src/mlflow/entities.js'
import { findOrCreateExperiment, logRun } from '../../../src/mlflow/log-run.js'
import type { ArtifactRepository, CreateRunRequest, RunBatch, RunQuery, TrackingStore } from '../../../src/mlflow/tracking-store.js'
import type { RunPayload } from '../../../src/results/run-payload.js'

/** An in-memory tracking store that records every call, with hooks to make one fail. */
class FakeStore implements TrackingStore {
  readonly displayUri = 'memory:'
  readonly calls: string[] = []
  readonly experiments = new Map<string, Experiment>()
  readonly runs = new Map<string, Run & { tagKeys: string[] }>()
  readonly batches: Array<{ runId: string; batch: RunBatch }> = []
  readonly uploads: string[] = []
  failLogBatch?: Error
  failUpload?: (artifactPath: string) => Error | undefined
  failCreateExperiment?: Error
  uploadsInFlight = 0
  maxUploadsInFlight = 0
  private nextId = 1

  async getExperimentByName(name: string) {
    this.calls.push(`getExperimentByName ${name}`)
    return this.experiments.get(name)
  }
  async createExperiment(name: string) {
    this.calls.push(`createExperiment ${name}`)
    if (this.failCreateExperiment) throw this.failCreateExperiment
    const id = String(100 + this.experiments.size)
    this.experiments.set(name, { experimentId: id, name, artifactLocation: `mem:/${id}`, lifecycleStage: 'active' })
    return id
  }
  addRun(experimentId: string, status: RunStatus, data: Partial<Run['data']> = {}): Run {
    const runId = `run${this.nextId++}`
    const run = {
      info: { runId, experimentId, runName: 'x', status, startTime: 1, artifactUri: `mem:/${experimentId}/${runId}/artifacts`, lifecycleStage: 'active' },
      data: { metrics: {}, params: {}, tags: {}, ...data },
      tagKeys: [],
    }
    this.runs.set(runId, run)
    return run
  }
  async createRun(request: CreateRunRequest) {
    this.calls.push(`createRun ${request.runName}`)
    const run = this.addRun(request.experimentId, 'RUNNING')
    for (const t of request.tags) run.data.tags[t.key] = t.value
    return structuredClone(run)
  }
  async getRun(runId: string) {
    this.calls.push(`getRun ${runId}`)
    const run = this.runs.get(runId)
    return run && structuredClone(run)
  }
  async updateRun(runId: string, status: RunStatus) {
    this.calls.push(`updateRun ${runId} ${status}`)
    const run = this.runs.get(runId)
    if (run) run.info.status = status
  }
  async logBatch(runId: string, batch: RunBatch) {
    this.calls.push(`logBatch ${runId}`)
    if (this.failLogBatch) throw this.failLogBatch
    this.batches.push({ runId, batch })
    const run = this.runs.get(runId) as Run
    for (const p of batch.params) run.data.params[p.key] = p.value
    for (const t of batch.tags) run.data.tags[t.key] = t.value
    for (const m of batch.metrics) run.data.metrics[m.key] = m.value
  }
  async getMetricHistory(): Promise<Metric[]> {
    return []
  }
  async searchRuns(query: RunQuery) {
    this.calls.push(`searchRuns ${JSON.stringify(query.tags)}`)
    return [...this.runs.values()]
      .filter((r) => query.experimentIds.includes(r.info.experimentId))
      .filter((r) => Object.entries(query.tags ?? {}).every(([k, v]) => r.data.tags[k] === v))
      .slice(0, query.maxResults)
      .map((r) => structuredClone(r))
  }
  artifacts(artifactUri: string): ArtifactRepository {
    this.calls.push(`artifacts ${artifactUri}`)
    return {
      logFile: async (_localPath, artifactPath) => {
        this.uploadsInFlight++
        this.maxUploadsInFlight = Math.max(this.maxUploadsInFlight, this.uploadsInFlight)
        try {
          await new Promise((resolve) => setImmediate(resolve))
          const failure = this.failUpload?.(artifactPath)
          if (failure) throw failure
          this.uploads.push(artifactPath)
          this.calls.push(`upload ${artifactPath}`)
        } finally {
          this.uploadsInFlight--
        }
      },
      list: async () => [],
    }
  }
  runUrl() {
    return undefined
  }
  compareUrl() {
    return undefined
  }
  modelVersionUrl() {
    return undefined
  }
}

const NOW = 1_700_000_000_000
const payload = (overrides: Partial<RunPayload> = {}): RunPayload => ({
  runName: 'pr-42-abcdef0',
  runKey: 'acme/churn/9001/train/BankChurn',
  userId: 'octocat',
  tags: [
    { key: 'mlflow.runName', value: 'pr-42-abcdef0' },
    { key: 'github.run_key', value: 'acme/churn/9001/train/BankChurn' },
    { key: 'github.pr', value: '42' },
  ],
  params: [
    { key: 'model.n_estimators', value: '200' },
    { key: 'lr', value: '0.1' },
  ],
  metrics: [
    { key: 'test_f1', value: 0.61, timestamp: NOW, step: 0 },
    { key: 'loss', value: 0.9, timestamp: NOW, step: 0 },
    { key: 'loss', value: 0.5, timestamp: NOW, step: 1 },
  ],
  artifacts: Array.from({ length: 10 }, (_, i) => ({ localPath: `/ws/f${i}`, artifactPath: `reports/f${i}.txt` })),
  notices: [],
  ...overrides,
})

describe('findOrCreateExperiment', () => {
  test('creates a missing experiment; reuses an existing one', async () => {
    const store = new FakeStore()
    const id = (await findOrCreateExperiment(store, 'BankChurn')).experimentId
    assert.equal((await findOrCreateExperiment(store, 'BankChurn')).experimentId, id)
    assert.deepEqual(store.calls, [
      'getExperimentByName BankChurn',
      'createExperiment BankChurn',
      'getExperimentByName BankChurn',
      'getExperimentByName BankChurn',
    ])
  })

  test('a deleted experiment is refused with a way out', async () => {
    const store = new FakeStore()
    store.experiments.set('Old', { experimentId: '5', name: 'Old', artifactLocation: '', lifecycleStage: 'deleted' })
    await assert.rejects(findOrCreateExperiment(store, 'Old'), /"Old" is deleted: restore it or choose another experiment-name/)
  })

  test('losing a creation race to another job uses the experiment it made', async () => {
    const store = new FakeStore()
    store.failCreateExperiment = new Error('RESOURCE_ALREADY_EXISTS')
    const original = store.getExperimentByName.bind(store)
    let lookups = 0
    store.getExperimentByName = async (name) => {
      if (lookups++ === 1) store.experiments.set(name, { experimentId: '77', name, artifactLocation: '', lifecycleStage: 'active' })
      return original(name)
    }
    assert.equal((await findOrCreateExperiment(store, 'Raced')).experimentId, '77')
    store.failCreateExperiment = new Error('boom')
    await assert.rejects(findOrCreateExperiment(store, 'Never'), /boom/)
  })
})

describe('logRun', () => {
  test('a first run: experiment created, run created, everything logged, FINISHED', async () => {
    const store = new FakeStore()
    const logged = await logRun(store, 'BankChurn', payload())
    assert.equal(logged.reused, false)
    assert.equal(logged.experimentId, '100')
    assert.equal(logged.run.info.status, 'FINISHED')
    const runId = logged.run.info.runId
    assert.deepEqual(store.calls.slice(0, 7), [
      'getExperimentByName BankChurn',
      'createExperiment BankChurn',
      'getExperimentByName BankChurn',
      // the artifact location is checked before any run exists
      'artifacts mem:/100',
      'searchRuns {"github.run_key":"acme/churn/9001/train/BankChurn"}',
      'createRun pr-42-abcdef0',
      `logBatch ${runId}`,
    ])
    assert.deepEqual(store.calls.slice(-2), [`updateRun ${runId} FINISHED`, `getRun ${runId}`])
    assert.deepEqual(store.batches, [{ runId, batch: { params: payload().params, tags: payload().tags, metrics: payload().metrics } }])
    assert.deepEqual([...store.uploads].sort(), payload().artifacts.map((a) => a.artifactPath).sort())
    assert.ok(store.maxUploadsInFlight > 1 && store.maxUploadsInFlight <= 4, `uploads in flight: ${store.maxUploadsInFlight}`)
    assert.deepEqual(logged.run.data.params, { 'model.n_estimators': '200', lr: '0.1' })
  })

  test('the run is created with its start time and only the tags that identify it', async () => {
    const store = new FakeStore()
    let request: CreateRunRequest | undefined
    const create = store.createRun.bind(store)
    store.createRun = async (r) => {
      request = r
      return create(r)
    }
    await logRun(store, 'BankChurn', payload())
    assert.deepEqual(request, {
      experimentId: '100',
      runName: 'pr-42-abcdef0',
      startTime: NOW,
      userId: 'octocat',
      tags: [
        { key: 'mlflow.runName', value: 'pr-42-abcdef0' },
        { key: 'github.run_key', value: 'acme/churn/9001/train/BankChurn' },
      ],
    })
  })

  test('a re-run with the same github.run_key reuses its run: no second createRun', async () => {
    const store = new FakeStore()
    const first = await logRun(store, 'BankChurn', payload())
    store.calls.length = 0
    const second = await logRun(store, 'BankChurn', payload())
    assert.equal(second.reused, true)
    assert.equal(second.run.info.runId, first.run.info.runId)
    assert.equal(store.runs.size, 1)
    assert.ok(!store.calls.some((c) => c.startsWith('createRun') || c.startsWith('createExperiment')), store.calls.join('\n'))
    // It goes back to RUNNING while it is logged, then ends FINISHED.
    const runId = first.run.info.runId
    assert.ok(store.calls.indexOf(`updateRun ${runId} RUNNING`) < store.calls.indexOf(`logBatch ${runId}`))
    assert.equal(store.calls.filter((c) => c === `updateRun ${runId} FINISHED`).length, 1)
    assert.equal(second.run.info.status, 'FINISHED')
    // A metric already at our value is not logged a second time; a changed one is.
    const again = await logRun(store, 'BankChurn', payload({ metrics: [{ key: 'test_f1', value: 0.61, timestamp: NOW + 1, step: 0 }, { key: 'new_metric', value: 1, timestamp: NOW + 1, step: 0 }] }))
    assert.equal(again.reused, true)
    assert.deepEqual(store.batches.at(-1)?.batch.metrics.map((m) => m.key), ['new_metric'])
  })

  test('a run without a run key (outside Actions) is never looked up', async () => {
    const store = new FakeStore()
    await logRun(store, 'BankChurn', payload({ runKey: undefined }))
    await logRun(store, 'BankChurn', payload({ runKey: undefined }))
    assert.equal(store.runs.size, 2)
    assert.ok(!store.calls.some((c) => c.startsWith('searchRuns')))
  })

  test('a changed param on a reused run is refused before any write', async () => {
    const store = new FakeStore()
    const first = await logRun(store, 'BankChurn', payload())
    store.calls.length = 0
    await assert.rejects(
      logRun(store, 'BankChurn', payload({ params: [{ key: 'lr', value: '0.2' }, { key: 'model.n_estimators', value: '200' }, { key: 'added', value: '1' }] })),
      new RegExp(`earlier run ${first.run.info.runId} has different values for params lr; MLflow params cannot change`),
    )
    assert.deepEqual(store.calls, ['getExperimentByName BankChurn', 'artifacts mem:/100', 'searchRuns {"github.run_key":"acme/churn/9001/train/BankChurn"}'])
    assert.equal(store.runs.get(first.run.info.runId)?.info.status, 'FINISHED')
  })

  test('a failure in logBatch ends the run FAILED and is rethrown', async () => {
    const store = new FakeStore()
    store.failLogBatch = new Error('MLflow /api/2.0/mlflow/runs/log-batch failed (HTTP 400): INVALID_PARAMETER_VALUE: x')
    await assert.rejects(logRun(store, 'BankChurn', payload()), (e: unknown) => e === store.failLogBatch)
    const [run] = [...store.runs.values()]
    assert.equal(run?.info.status, 'FAILED')
    assert.equal(store.calls.at(-1), `updateRun ${run?.info.runId} FAILED`)
    assert.deepEqual(store.uploads, [])
  })

  test('a failed upload ends the run FAILED after the uploads in flight, and starts no more', async () => {
    const store = new FakeStore()
    const failure = new Error('upload refused')
    store.failUpload = (path) => (path === 'reports/f1.txt' ? failure : undefined)
    await assert.rejects(logRun(store, 'BankChurn', payload()), (e: unknown) => e === failure)
    const [run] = [...store.runs.values()]
    assert.equal(run?.info.status, 'FAILED')
    assert.equal(store.calls.at(-1), `updateRun ${run?.info.runId} FAILED`)
    assert.ok(!store.calls.includes(`updateRun ${run?.info.runId} FINISHED`))
    // f0…f3 were started together; after f1 failed, nothing new began.
    assert.ok(store.uploads.length < payload().artifacts.length - 1, store.uploads.join(', '))
    assert.equal(store.uploadsInFlight, 0)
  })

  test('the original error wins when marking the run FAILED fails too', async () => {
    const store = new FakeStore()
    store.failLogBatch = new Error('first')
    store.updateRun = async () => {
      throw new Error('server gone')
    }
    await assert.rejects(logRun(store, 'BankChurn', payload()), /first/)
  })

  test('a failure after a reused run was reopened ends it FAILED, not RUNNING', async () => {
    const store = new FakeStore()
    const first = await logRun(store, 'BankChurn', payload())
    store.failUpload = () => new Error('disk full')
    await assert.rejects(logRun(store, 'BankChurn', payload()), /disk full/)
    assert.equal(store.runs.get(first.run.info.runId)?.info.status, 'FAILED')
  })
})

describe('an artifact location the store cannot write', () => {
  test('is refused before any run exists', async () => {
    const store = new FakeStore()
    store.artifacts = (uri: string) => {
      throw new Error(`the run's artifact location is ${uri}, which this tracking server does not proxy`)
    }
    await assert.rejects(logRun(store, 'BankChurn', payload()), /does not proxy/)
    assert.equal(store.runs.size, 0)
  })
})
