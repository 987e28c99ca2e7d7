import type { RunPayload } from '../results/run-payload.js'
import type { Experiment, Run } from './entities.js'
import type { TrackingStore } from './tracking-store.js'

export interface LoggedRun {
  run: Run
  experimentId: string
  /** True when a re-run of the same job found the run it had made before. */
  reused: boolean
}

// Uploads at once: enough to hide latency, few enough not to flood a small server.
const UPLOAD_CONCURRENCY = 4

export async function findOrCreateExperiment(store: TrackingStore, name: string): Promise<Experiment> {
  const existing = await store.getExperimentByName(name)
  if (existing) {
    if (existing.lifecycleStage === 'deleted') {
      throw new Error(`the MLflow experiment "${name}" is deleted: restore it or choose another experiment-name`)
    }
    return existing
  }
  try {
    await store.createExperiment(name)
  } catch (error) {
    // Another job may have created it between our look-up and our create: then it is there now.
    if (!(await store.getExperimentByName(name))) throw error
  }
  const created = await store.getExperimentByName(name)
  if (!created) throw new Error(`MLflow did not keep the experiment "${name}" it just created`)
  return created
}

/** Stops starting new work at the first failure, and waits for the work in flight before rethrowing it. */
async function runInParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0
  let failure: { error: unknown } | undefined
  const worker = async () => {
    while (!failure && next < items.length) {
      try {
        await work(items[next++] as T)
      } catch (error) {
        failure ??= { error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker))
  if (failure) throw failure.error
}

/**
 * Logs the payload as one MLflow run (SPEC section 5). A re-run of the same job reuses its run;
 * the run ends FINISHED, or FAILED when anything after its creation fails.
 */
export async function logRun(store: TrackingStore, experimentName: string, payload: RunPayload): Promise<LoggedRun> {
  const experiment = await findOrCreateExperiment(store, experimentName)
  const experimentId = experiment.experimentId
  // An artifact location we cannot write to (a server with --no-serve-artifacts, s3://…) is
  // refused now, before a run exists, rather than leaving a FAILED run on every job.
  store.artifacts(experiment.artifactLocation)
  const previous = payload.runKey
    ? (await store.searchRuns({ experimentIds: [experimentId], tags: { 'github.run_key': payload.runKey }, maxResults: 1 }))[0]
    : undefined

  if (previous) {
    // Params are immutable in MLflow: a re-run that changed one cannot reuse the run.
    const changed = payload.params.filter((p) => p.key in previous.data.params && previous.data.params[p.key] !== p.value)
    if (changed.length > 0) {
      throw new Error(
        `this job's earlier run ${previous.info.runId} has different values for params ${changed.map((p) => p.key).join(', ')}; ` +
          'MLflow params cannot change: delete that run or re-run the whole workflow',
      )
    }
  }

  const run =
    previous ??
    (await store.createRun({
      experimentId,
      runName: payload.runName,
      startTime: payload.metrics[0]?.timestamp ?? Date.now(),
      userId: payload.userId,
      tags: payload.tags.filter((t) => t.key === 'mlflow.runName' || t.key === 'github.run_key'),
    }))
  const runId = run.info.runId

  try {
    if (previous && previous.info.status !== 'RUNNING') await store.updateRun(runId, 'RUNNING', Date.now())
    // On a reused run, a metric whose latest value is already ours is not logged a second time.
    const lastValue = new Map(payload.metrics.map((m) => [m.key, m.value]))
    const metrics = previous
      ? payload.metrics.filter((m) => previous.data.metrics[m.key] !== lastValue.get(m.key))
      : payload.metrics
    await store.logBatch(runId, { params: payload.params, tags: payload.tags, metrics })
    const repository = store.artifacts(run.info.artifactUri)
    await runInParallel(payload.artifacts, UPLOAD_CONCURRENCY, (a) => repository.logFile(a.localPath, a.artifactPath))
    await store.updateRun(runId, 'FINISHED', Date.now())
  } catch (error) {
    await store.updateRun(runId, 'FAILED', Date.now()).catch(() => {
      // The original error matters more; the server is likely unreachable anyway.
    })
    throw error
  }
  const finished = await store.getRun(runId)
  if (!finished) throw new Error(`MLflow lost run ${runId} right after it was logged`)
  return { run: finished, experimentId, reused: !!previous }
}
