import type {
  ArtifactFile,
  Experiment,
  Metric,
  Param,
  Run,
  RunStatus,
  RunTag,
} from './entities.js'

/**
 * What mlflow-pr-report needs from an MLflow tracking store. The REST store and the file store
 * implement it, as MLflow's own AbstractStore is implemented by RestStore and FileStore.
 *
 * Reads answer `undefined` for a missing entity; any other failure throws.
 */
export interface TrackingStore {
  /** The tracking URI, with credentials removed, for messages and links. */
  readonly displayUri: string

  getExperimentByName(name: string): Promise<Experiment | undefined>
  createExperiment(name: string): Promise<string>

  createRun(request: CreateRunRequest): Promise<Run>
  getRun(runId: string): Promise<Run | undefined>
  updateRun(runId: string, status: RunStatus, endTime: number): Promise<void>
  /** Splits the batch within MLflow's per-request limits itself. */
  logBatch(runId: string, batch: RunBatch): Promise<void>
  getMetricHistory(runId: string, key: string): Promise<Metric[]>
  /** Runs that match every condition, newest start time first. */
  searchRuns(query: RunQuery): Promise<Run[]>

  /** The artifact repository behind a run's `artifact_uri`. */
  artifacts(artifactUri: string): ArtifactRepository

  /** Web links into MLflow's UI, when the store has one (a server). */
  runUrl(experimentId: string, runId: string): string | undefined
  compareUrl(experimentId: string, runIds: string[]): string | undefined
  modelVersionUrl(name: string, version: string): string | undefined
}

export interface CreateRunRequest {
  experimentId: string
  runName: string
  startTime: number
  userId?: string
  tags: RunTag[]
}

export interface RunBatch {
  metrics: Metric[]
  params: Param[]
  tags: RunTag[]
}

export interface RunQuery {
  experimentIds: string[]
  /** Tag key → exact value. */
  tags?: Record<string, string>
  status?: RunStatus
  maxResults?: number
}

export interface ArtifactRepository {
  /** Uploads one local file to `artifactPath` (a path relative to the run's artifact root). */
  logFile(localPath: string, artifactPath: string): Promise<void>
  /** Lists one directory level; `path` is relative to the artifact root ('' for the root). */
  list(path?: string): Promise<ArtifactFile[]>
}
