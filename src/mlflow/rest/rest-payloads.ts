// MLflow's REST JSON shapes (protos/service.proto, protos/model_registry.proto) and their
// conversion to our entities. int64 fields may arrive as numbers or strings.
import type { Experiment, Metric, ModelVersion, RegisteredModel, Run, RunStatus } from '../entities.js'

export interface RestKeyValue {
  key: string
  value?: string
}

export interface RestExperiment {
  experiment_id: string
  name: string
  artifact_location?: string
  lifecycle_stage?: string
}

export interface RestMetric {
  key: string
  value: number | string
  timestamp?: number | string
  step?: number | string
}

export interface RestRun {
  info: {
    run_id: string
    run_uuid?: string
    experiment_id: string
    run_name?: string
    user_id?: string
    status?: RunStatus
    start_time?: number | string
    end_time?: number | string
    artifact_uri?: string
    lifecycle_stage?: string
  }
  data?: { metrics?: RestMetric[]; params?: RestKeyValue[]; tags?: RestKeyValue[] }
}

export interface RestRegisteredModel {
  name: string
  description?: string
  aliases?: Array<{ alias: string; version: string }>
  tags?: RestKeyValue[]
}

export interface RestModelVersion {
  name: string
  version: string | number
  source?: string
  run_id?: string
  current_stage?: string
  status?: string
  description?: string
  aliases?: string[]
  tags?: RestKeyValue[]
  creation_timestamp?: number | string
}

const int = (value: number | string | undefined): number => (value === undefined ? 0 : Number(value))

/** MLflow sends NaN and ±Inf as strings. */
export const metricValue = (value: number | string): number => (typeof value === 'number' ? value : Number(value))

export const metricToRest = (m: Metric) => ({
  key: m.key,
  value: Number.isFinite(m.value) ? m.value : Number.isNaN(m.value) ? 'NaN' : m.value > 0 ? 'Infinity' : '-Infinity',
  timestamp: m.timestamp,
  step: m.step,
})

const pairs = (list: RestKeyValue[] | undefined): Record<string, string> =>
  Object.fromEntries((list ?? []).map((p) => [p.key, p.value ?? '']))

export const experimentFromRest = (e: RestExperiment): Experiment => ({
  experimentId: e.experiment_id,
  name: e.name,
  artifactLocation: e.artifact_location ?? '',
  lifecycleStage: e.lifecycle_stage ?? 'active',
})

export const runFromRest = (r: RestRun): Run => ({
  info: {
    runId: r.info.run_id ?? r.info.run_uuid,
    experimentId: r.info.experiment_id,
    runName: r.info.run_name ?? '',
    status: r.info.status ?? 'RUNNING',
    startTime: int(r.info.start_time),
    endTime: r.info.end_time === undefined ? undefined : int(r.info.end_time),
    artifactUri: r.info.artifact_uri ?? '',
    lifecycleStage: r.info.lifecycle_stage ?? 'active',
    userId: r.info.user_id,
  },
  data: {
    metrics: Object.fromEntries((r.data?.metrics ?? []).map((m) => [m.key, metricValue(m.value)])),
    params: pairs(r.data?.params),
    tags: pairs(r.data?.tags),
  },
})

export const metricFromRest = (m: RestMetric): Metric => ({
  key: m.key,
  value: metricValue(m.value),
  timestamp: int(m.timestamp),
  step: int(m.step),
})

export const registeredModelFromRest = (m: RestRegisteredModel): RegisteredModel => ({
  name: m.name,
  description: m.description,
  aliases: Object.fromEntries((m.aliases ?? []).map((a) => [a.alias, String(a.version)])),
  tags: pairs(m.tags),
})

export const modelVersionFromRest = (v: RestModelVersion): ModelVersion => ({
  name: v.name,
  version: String(v.version),
  source: v.source ?? '',
  runId: v.run_id || undefined,
  currentStage: v.current_stage ?? 'None',
  status: v.status ?? 'READY',
  description: v.description,
  aliases: v.aliases ?? [],
  tags: pairs(v.tags),
  creationTimestamp: int(v.creation_timestamp),
})
