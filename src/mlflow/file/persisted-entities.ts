import { z } from 'zod'
import type { Experiment, ModelVersion, RunInfo, RunStatus } from '../entities.js'

// How MLflow's file stores put entities in meta.yaml (mlflow/store/tracking/file_store.py,
// mlflow/store/model_registry/file_store.py, as written by MLflow 3.x): the keys, and the
// conversions (status numbers, ids that older versions wrote as ints).

export const LIFECYCLE_ACTIVE = 'active'
export const LIFECYCLE_DELETED = 'deleted'
export const DEFAULT_EXPERIMENT_ID = '0'
export const DEFAULT_EXPERIMENT_NAME = 'Default'

/** RunStatus as the protobuf enum numbers MLflow stores. */
const STATUS_NUMBERS: Record<RunStatus, number> = { RUNNING: 1, SCHEDULED: 2, FINISHED: 3, FAILED: 4, KILLED: 5 }
/** SourceType.LOCAL: MLflow writes it (and empty source fields) for older readers. */
const SOURCE_TYPE_LOCAL = 4

const id = z.union([z.string(), z.number().int()]).transform(String)
const millis = z.number().int()
const optionalText = z.string().nullish().transform((v) => v ?? undefined)

const experimentMeta = z.looseObject({
  experiment_id: id,
  name: z.string(),
  artifact_location: z.string(),
  lifecycle_stage: z.string().default(LIFECYCLE_ACTIVE),
  creation_time: millis.nullish(),
  last_update_time: millis.nullish(),
})

export function experimentFromMeta(meta: unknown, where: string): Experiment {
  const m = parseMeta(experimentMeta, meta, where)
  return {
    experimentId: m.experiment_id,
    name: m.name,
    artifactLocation: m.artifact_location,
    lifecycleStage: m.lifecycle_stage,
  }
}

export function experimentToMeta(experiment: Experiment, creationTime: number): Record<string, unknown> {
  return {
    artifact_location: experiment.artifactLocation,
    creation_time: creationTime,
    effective_trace_archival_retention: null,
    experiment_id: experiment.experimentId,
    last_update_time: creationTime,
    lifecycle_stage: experiment.lifecycleStage,
    name: experiment.name,
    trace_location: null,
    workspace: 'default',
  }
}

const runMeta = z.looseObject({
  run_id: z.string().optional(),
  run_uuid: z.string().optional(),
  experiment_id: id,
  run_name: z.string().nullish(),
  status: z.number().int().default(STATUS_NUMBERS.RUNNING),
  start_time: millis.nullish(),
  end_time: millis.nullish(),
  artifact_uri: z.string(),
  lifecycle_stage: z.string().default(LIFECYCLE_ACTIVE),
  user_id: z.string().nullish(),
})

export function runInfoFromMeta(meta: unknown, where: string): RunInfo {
  const m = parseMeta(runMeta, meta, where)
  const runId = m.run_id ?? m.run_uuid
  if (!runId) throw new Error(`${where}: no run_id`)
  const status = (Object.keys(STATUS_NUMBERS) as RunStatus[]).find((s) => STATUS_NUMBERS[s] === m.status)
  if (!status) throw new Error(`${where}: unknown run status ${m.status}`)
  return {
    runId,
    experimentId: m.experiment_id,
    runName: m.run_name ?? '',
    status,
    startTime: m.start_time ?? 0,
    ...(m.end_time === null || m.end_time === undefined ? {} : { endTime: m.end_time }),
    artifactUri: m.artifact_uri,
    lifecycleStage: m.lifecycle_stage,
    ...(m.user_id ? { userId: m.user_id } : {}),
  }
}

/** `_make_persisted_run_info_dict`: the run's fields plus the legacy ones older MLflow reads. */
export function runInfoToMeta(info: RunInfo): Record<string, unknown> {
  return {
    artifact_uri: info.artifactUri,
    end_time: info.endTime ?? null,
    entry_point_name: '',
    experiment_id: info.experimentId,
    lifecycle_stage: info.lifecycleStage,
    run_id: info.runId,
    run_name: info.runName,
    source_name: '',
    source_type: SOURCE_TYPE_LOCAL,
    source_version: '',
    start_time: info.startTime,
    status: STATUS_NUMBERS[info.status],
    tags: [],
    // MLflow's Python client refuses a run whose user_id is null; a server stores ''.
    user_id: info.userId ?? '',
  }
}

const registeredModelMeta = z.looseObject({
  name: z.string(),
  description: optionalText,
  creation_timestamp: millis.nullish(),
  last_updated_timestamp: millis.nullish(),
})
export type RegisteredModelMeta = z.output<typeof registeredModelMeta> & Record<string, unknown>

export const registeredModelFromMeta = (meta: unknown, where: string): RegisteredModelMeta =>
  parseMeta(registeredModelMeta, meta, where)

export function newRegisteredModelMeta(name: string, description: string | undefined, now: number) {
  return {
    aliases: {},
    creation_timestamp: now,
    deployment_job_id: null,
    deployment_job_state: null,
    description: description ?? null,
    last_updated_timestamp: now,
    name,
    workspace: 'default',
  }
}

const modelVersionMeta = z.looseObject({
  name: z.string(),
  version: id,
  source: z.string().nullish(),
  run_id: z.string().nullish(),
  current_stage: z.string().default('None'),
  status: z.string().nullish(),
  description: optionalText,
  creation_timestamp: millis.nullish(),
  last_updated_timestamp: millis.nullish(),
})

/** A version's meta.yaml, with what lives beside it (tags/ and the model's aliases/). */
export function modelVersionFromMeta(
  meta: unknown,
  where: string,
  tags: Record<string, string>,
  aliases: string[],
): ModelVersion & { lastUpdatedTimestamp: number } {
  const m = parseMeta(modelVersionMeta, meta, where)
  return {
    name: m.name,
    version: m.version,
    source: m.source ?? '',
    ...(m.run_id ? { runId: m.run_id } : {}),
    currentStage: m.current_stage,
    status: m.status ?? 'READY',
    ...(m.description === undefined ? {} : { description: m.description }),
    aliases,
    tags,
    creationTimestamp: m.creation_timestamp ?? 0,
    lastUpdatedTimestamp: m.last_updated_timestamp ?? m.creation_timestamp ?? 0,
  }
}

export interface NewModelVersion {
  name: string
  version: number
  source: string
  runId: string
  runLink?: string
  description?: string
  now: number
}

export function newModelVersionMeta(v: NewModelVersion): Record<string, unknown> {
  return {
    creation_timestamp: v.now,
    current_stage: 'None',
    deployment_job_state: null,
    description: v.description ?? null,
    last_updated_timestamp: v.now,
    model_id: null,
    name: v.name,
    run_id: v.runId || null,
    run_link: v.runLink ?? null,
    source: v.source,
    status: 'READY',
    status_message: null,
    storage_location: v.source,
    user_id: null,
    version: v.version,
    workspace: 'default',
  }
}

function parseMeta<T extends z.ZodType>(schema: T, meta: unknown, where: string): z.output<T> {
  const result = schema.safeParse(meta)
  if (!result.success) throw new Error(`${where} is not a meta.yaml MLflow wrote: ${z.prettifyError(result.error)}`)
  return result.data
}
