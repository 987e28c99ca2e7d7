import { randomInt, randomUUID } from 'node:crypto'
import { appendFile, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
import type { Experiment, Metric, Param, Run, RunInfo, RunStatus, RunTag } from '../entities.js'
import type { ArtifactRepository, CreateRunRequest, RunBatch, RunQuery, TrackingStore } from '../tracking-store.js'
import { FileArtifactRepository } from './file-artifact-repository.js'
import { MlflowStoreError } from '../store-error.js'
import { appendToUri } from './file-uri.js'
import { readKeyValue, readKeyValues, listKeys, writeKeyValue } from './key-files.js'
import { isMissing, readMetaYaml, writeMetaYaml } from './meta-yaml.js'
import { formatMetricLine, parseMetricLine } from './metric-line.js'
import {
  MAX_PARAM_VALUE_LENGTH,
  MAX_TAG_VALUE_LENGTH,
  checkLength,
  validateExperimentId,
  validateExperimentName,
  validateKey,
  validateRunId,
} from '../mlflow-names.js'
import {
  LIFECYCLE_ACTIVE,
  LIFECYCLE_DELETED,
  experimentFromMeta,
  experimentToMeta,
  runInfoFromMeta,
  runInfoToMeta,
} from './persisted-entities.js'
import { MODELS_FOLDER, StoreRoot, TRASH_FOLDER, isDirectory, subfolders } from './store-root.js'
import { readStoreFile } from './read-store-file.js'

const METRICS = 'metrics'
const PARAMS = 'params'
const TAGS = 'tags'
const ARTIFACTS = 'artifacts'
const RUN_NAME_TAG = 'mlflow.runName'
/** Folders inside an experiment's folder that are not runs (FileStore.RESERVED_EXPERIMENT_FOLDERS). */
const RESERVED_EXPERIMENT_FOLDERS = new Set(['tags', 'datasets', 'traces', 'models'])
const EXPERIMENT_ID_DIGITS = 18

interface FoundRun {
  dir: string
  info: RunInfo
}

/** MLflow's tracking FileStore (mlflow/store/tracking/file_store.py), for what this project needs. */
export class FileTrackingStore implements TrackingStore {
  constructor(
    private readonly root: StoreRoot,
    readonly displayUri: string,
    private readonly cwd: string,
    private readonly now: () => number = Date.now,
  ) {}

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    await this.root.ready()
    // Deleted experiments keep their name (MLflow refuses to reuse it), so they are found too.
    for (const parent of [this.root.dir, this.root.trashDir]) {
      for (const experiment of await this.experimentsIn(parent)) {
        if (experiment.name === name) return experiment
      }
    }
    return undefined
  }

  async createExperiment(name: string): Promise<string> {
    await this.root.ready()
    validateExperimentName(name)
    const existing = await this.getExperimentByName(name)
    if (existing) {
      throw new MlflowStoreError(
        'RESOURCE_ALREADY_EXISTS',
        existing.lifecycleStage === LIFECYCLE_DELETED
          ? `experiment '${name}' already exists in deleted state; restore it, or delete it for good from ${this.root.trashDir}`
          : `experiment '${name}' already exists`,
      )
    }
    for (;;) {
      const experimentId = newExperimentId()
      const dir = join(this.root.dir, experimentId)
      if (await isDirectory(join(this.root.trashDir, experimentId))) continue
      try {
        await mkdir(dir)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
        throw error
      }
      const experiment: Experiment = {
        experimentId,
        name,
        artifactLocation: appendToUri(this.root.artifactRootUri, experimentId),
        lifecycleStage: LIFECYCLE_ACTIVE,
      }
      await writeMetaYaml(dir, experimentToMeta(experiment, this.now()))
      return experimentId
    }
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    await this.root.ready()
    validateExperimentId(request.experimentId)
    const experimentDir = join(this.root.dir, request.experimentId)
    const experiment = await this.readExperiment(experimentDir)
    if (!experiment) {
      const deleted = await isDirectory(join(this.root.trashDir, request.experimentId))
      throw deleted
        ? new MlflowStoreError('INVALID_STATE', `cannot create a run in deleted experiment ${request.experimentId}`)
        : new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `experiment ${request.experimentId} does not exist`)
    }
    if (experiment.lifecycleStage !== LIFECYCLE_ACTIVE) {
      throw new MlflowStoreError('INVALID_STATE', `cannot create a run in non-active experiment ${request.experimentId}`)
    }
    for (const tag of request.tags) validateTag(tag)
    const tags = [...request.tags]
    const tagRunName = tags.find((t) => t.key === RUN_NAME_TAG)?.value
    if (request.runName && tagRunName && request.runName !== tagRunName) {
      throw new MlflowStoreError(
        'INVALID_PARAMETER_VALUE',
        `both a run name ('${request.runName}') and an mlflow.runName tag ('${tagRunName}') are given, with different values`,
      )
    }
    const runId = randomUUID().replace(/-/g, '')
    const runName = request.runName || tagRunName || `run-${runId.slice(0, 8)}`
    if (!tagRunName) tags.push({ key: RUN_NAME_TAG, value: runName })

    const runDir = join(experimentDir, runId)
    const info: RunInfo = {
      runId,
      experimentId: request.experimentId,
      runName,
      status: 'RUNNING',
      startTime: request.startTime,
      artifactUri: appendToUri(experiment.artifactLocation, runId, ARTIFACTS),
      lifecycleStage: LIFECYCLE_ACTIVE,
      ...(request.userId ? { userId: request.userId } : {}),
    }
    await mkdir(runDir)
    await writeMetaYaml(runDir, runInfoToMeta(info))
    for (const folder of [METRICS, PARAMS, ARTIFACTS]) await mkdir(join(runDir, folder), { recursive: true })
    for (const tag of tags) await writeKeyValue(join(runDir, TAGS), tag.key, tag.value)
    return this.loadRun({ dir: runDir, info })
  }

  async getRun(runId: string): Promise<Run | undefined> {
    const found = await this.findRun(runId)
    return found && this.loadRun(found)
  }

  async updateRun(runId: string, status: RunStatus, endTime: number): Promise<void> {
    const found = await this.activeRun(runId)
    await writeMetaYaml(found.dir, runInfoToMeta({ ...found.info, status, endTime }))
  }

  async logBatch(runId: string, batch: RunBatch): Promise<void> {
    for (const metric of batch.metrics) validateMetric(metric)
    const seenParams = new Set<string>()
    for (const param of batch.params) {
      validateParam(param)
      if (seenParams.has(param.key)) {
        throw new MlflowStoreError('INVALID_PARAMETER_VALUE', `duplicate param key '${param.key}' in one batch`)
      }
      seenParams.add(param.key)
    }
    for (const tag of batch.tags) validateTag(tag)
    const found = await this.activeRun(runId)

    // Params are immutable: every conflict is found before anything is written.
    const paramsDir = join(found.dir, PARAMS)
    const newParams: Param[] = []
    for (const param of batch.params) {
      const current = await readKeyValue(paramsDir, param.key)
      if (current === undefined) newParams.push(param)
      else if (current !== param.value) {
        throw new MlflowStoreError(
          'INVALID_PARAMETER_VALUE',
          `changing param values is not allowed: param '${param.key}' was already logged with value '${current}' ` +
            `for run ${runId}; attempted to log '${param.value}'`,
        )
      }
    }
    for (const param of newParams) await writeKeyValue(paramsDir, param.key, param.value)

    const linesByKey = new Map<string, string>()
    for (const metric of batch.metrics) {
      linesByKey.set(metric.key, (linesByKey.get(metric.key) ?? '') + formatMetricLine(metric))
    }
    for (const [key, lines] of linesByKey) {
      const file = join(found.dir, METRICS, key)
      await mkdir(dirname(file), { recursive: true })
      await appendFile(file, lines, 'utf8')
    }

    for (const tag of batch.tags) await writeKeyValue(join(found.dir, TAGS), tag.key, tag.value)
    const runName = batch.tags.findLast((t) => t.key === RUN_NAME_TAG)?.value
    if (runName !== undefined && runName !== found.info.runName) {
      // MLflow keeps meta.yaml's run_name in step with the tag.
      await writeMetaYaml(found.dir, runInfoToMeta({ ...found.info, runName }))
    }
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    validateKey('metric', key)
    const found = await this.findRun(runId)
    if (!found) throw new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `run '${runId}' not found`)
    return readMetricFile(join(found.dir, METRICS), key)
  }

  async searchRuns(query: RunQuery): Promise<Run[]> {
    await this.root.ready()
    const candidates: FoundRun[] = []
    for (const experimentId of query.experimentIds) {
      validateExperimentId(experimentId)
      // Only active experiments: a deleted one sits in .trash and its runs are deleted with it.
      const experimentDir = join(this.root.dir, experimentId)
      for (const name of await subfolders(experimentDir)) {
        if (RESERVED_EXPERIMENT_FOLDERS.has(name)) continue
        const dir = join(experimentDir, name)
        const info = await readRunInfo(dir)
        if (!info || info.experimentId !== experimentId || info.lifecycleStage !== LIFECYCLE_ACTIVE) continue
        if (query.status && info.status !== query.status) continue
        if (!(await hasTags(join(dir, TAGS), query.tags ?? {}))) continue
        candidates.push({ dir, info })
      }
    }
    candidates.sort(
      (a, b) => b.info.startTime - a.info.startTime || compareText(a.info.runId, b.info.runId),
    )
    const selected = query.maxResults === undefined ? candidates : candidates.slice(0, query.maxResults)
    const runs: Run[] = []
    for (const found of selected) runs.push(await this.loadRun(found))
    return runs
  }

  artifacts(artifactUri: string): ArtifactRepository {
    return new FileArtifactRepository(artifactUri, this.cwd)
  }

  runUrl(): string | undefined {
    return undefined
  }

  compareUrl(): string | undefined {
    return undefined
  }

  modelVersionUrl(): string | undefined {
    return undefined
  }

  private async experimentsIn(parent: string): Promise<Experiment[]> {
    const experiments: Experiment[] = []
    for (const name of await subfolders(parent)) {
      if (name === TRASH_FOLDER || name === MODELS_FOLDER) continue
      const experiment = await this.readExperiment(join(parent, name))
      // MLflow ignores a folder whose meta.yaml names another id.
      if (experiment && experiment.experimentId === name) experiments.push(experiment)
    }
    return experiments
  }

  private async readExperiment(dir: string): Promise<Experiment | undefined> {
    const meta = await readMetaYaml(dir)
    return meta && experimentFromMeta(meta, join(dir, 'meta.yaml'))
  }

  /** The run's folder, active or deleted, in an active or deleted experiment (`_find_run_root`). */
  private async findRun(runId: string): Promise<FoundRun | undefined> {
    validateRunId(runId)
    await this.root.ready()
    for (const parent of [this.root.dir, this.root.trashDir]) {
      for (const experimentId of await subfolders(parent)) {
        if (experimentId === TRASH_FOLDER || experimentId === MODELS_FOLDER) continue
        const dir = join(parent, experimentId, runId)
        if (!(await isRunFolder(dir))) continue
        const info = await readRunInfo(dir)
        if (!info) continue
        if (info.experimentId !== experimentId || info.runId !== runId) {
          throw new MlflowStoreError('INVALID_STATE', `run '${runId}' metadata is in an invalid state`)
        }
        return { dir, info }
      }
    }
    return undefined
  }

  private async activeRun(runId: string): Promise<FoundRun> {
    const found = await this.findRun(runId)
    if (!found) throw new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `run '${runId}' not found`)
    if (found.info.lifecycleStage !== LIFECYCLE_ACTIVE) {
      throw new MlflowStoreError(
        'INVALID_STATE',
        `the run ${runId} must be in the 'active' state; current state is ${found.info.lifecycleStage}`,
      )
    }
    return found
  }

  private async loadRun({ dir, info }: FoundRun): Promise<Run> {
    const metrics: Record<string, number> = {}
    for (const key of await listKeys(join(dir, METRICS))) {
      const latest = latestPoint(await readMetricFile(join(dir, METRICS), key))
      if (latest) metrics[key] = latest.value
    }
    const tags = await readKeyValues(join(dir, TAGS))
    return {
      info: { ...info, runName: info.runName || tags[RUN_NAME_TAG] || '' },
      data: { metrics, params: await readKeyValues(join(dir, PARAMS)), tags },
    }
  }
}

/** `_generate_unique_integer_id`: an 18-digit number with no leading zero. */
function newExperimentId(): string {
  let id = String(randomInt(1, 10))
  while (id.length < EXPERIMENT_ID_DIGITS) id += String(randomInt(0, 10))
  return id
}

/** MLflow only takes a folder for a run when it has metrics/, params/ and artifacts/. */
async function isRunFolder(dir: string): Promise<boolean> {
  for (const folder of [METRICS, PARAMS, ARTIFACTS]) {
    if (!(await isDirectory(join(dir, folder)))) return false
  }
  return true
}

async function readRunInfo(dir: string): Promise<RunInfo | undefined> {
  const meta = await readMetaYaml(dir)
  return meta && runInfoFromMeta(meta, join(dir, 'meta.yaml'))
}

async function readMetricFile(metricsDir: string, key: string): Promise<Metric[]> {
  let text: string
  try {
    text = await readStoreFile(join(metricsDir, key))
  } catch (error) {
    if (isMissing(error)) return []
    throw error
  }
  return text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => parseMetricLine(key, line))
}

/** The point `run.data.metrics` shows: MLflow's `max` by (step, timestamp, value). */
function latestPoint(points: Metric[]): Metric | undefined {
  let latest: Metric | undefined
  for (const point of points) {
    if (
      !latest ||
      point.step > latest.step ||
      (point.step === latest.step &&
        (point.timestamp > latest.timestamp || (point.timestamp === latest.timestamp && point.value > latest.value)))
    ) {
      latest = point
    }
  }
  return latest
}

async function hasTags(tagsDir: string, wanted: Record<string, string>): Promise<boolean> {
  for (const [key, value] of Object.entries(wanted)) {
    if ((await readKeyValue(tagsDir, key)) !== value) return false
  }
  return true
}

function validateMetric(metric: Metric): void {
  validateKey('metric', metric.key)
  if (typeof metric.value !== 'number') {
    throw new MlflowStoreError('INVALID_PARAMETER_VALUE', `metric '${metric.key}' has a value that is not a number`)
  }
  if (!Number.isSafeInteger(metric.timestamp) || metric.timestamp < 0) {
    throw new MlflowStoreError(
      'INVALID_PARAMETER_VALUE',
      `metric '${metric.key}' has timestamp ${metric.timestamp}; it must be a nonnegative integer`,
    )
  }
  if (!Number.isSafeInteger(metric.step)) {
    throw new MlflowStoreError('INVALID_PARAMETER_VALUE', `metric '${metric.key}' has step ${metric.step}; it must be an integer`)
  }
}

function validateParam(param: Param): void {
  validateKey('param', param.key)
  checkLength(`param '${param.key}' value`, param.value, MAX_PARAM_VALUE_LENGTH)
}

function validateTag(tag: RunTag): void {
  validateKey('tag', tag.key)
  checkLength(`tag '${tag.key}' value`, tag.value, MAX_TAG_VALUE_LENGTH)
}

const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0)
