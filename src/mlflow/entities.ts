// MLflow's entities, as its REST API and its file store describe them, in camelCase.

export type RunStatus = 'RUNNING' | 'SCHEDULED' | 'FINISHED' | 'FAILED' | 'KILLED'

export interface Experiment {
  experimentId: string
  name: string
  artifactLocation: string
  lifecycleStage: string
}

export interface Metric {
  key: string
  value: number
  timestamp: number
  step: number
}

export interface Param {
  key: string
  value: string
}

export interface RunTag {
  key: string
  value: string
}

export interface RunInfo {
  runId: string
  experimentId: string
  runName: string
  status: RunStatus
  startTime: number
  endTime?: number
  artifactUri: string
  lifecycleStage: string
  userId?: string
}

export interface RunData {
  /** Latest value of each metric, as MLflow reports it in `run.data.metrics`. */
  metrics: Record<string, number>
  params: Record<string, string>
  tags: Record<string, string>
}

export interface Run {
  info: RunInfo
  data: RunData
}

export interface RegisteredModel {
  name: string
  description?: string
  aliases: Record<string, string>
  tags: Record<string, string>
}

export interface ModelVersion {
  name: string
  version: string
  source: string
  runId?: string
  currentStage: string
  status: string
  description?: string
  aliases: string[]
  tags: Record<string, string>
  creationTimestamp: number
}

export interface ArtifactFile {
  path: string
  isDir: boolean
  fileSize?: number
}
