import type { ModelVersion, RegisteredModel } from './entities.js'

/** What mlflow-pr-report needs from MLflow's model registry (REST or file store). */
export interface ModelRegistryStore {
  getRegisteredModel(name: string): Promise<RegisteredModel | undefined>
  createRegisteredModel(name: string, description?: string): Promise<RegisteredModel>

  getModelVersion(name: string, version: string): Promise<ModelVersion | undefined>
  /** `undefined` when the model or the alias does not exist. */
  getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined>
  /** Highest version in each of `stages` (all stages when empty); [] when the model is missing. */
  getLatestVersions(name: string, stages: string[]): Promise<ModelVersion[]>
  /** Every version of `name` (all of them, across pages). */
  searchModelVersions(query: { name: string; runId?: string }): Promise<ModelVersion[]>

  createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion>
  updateModelVersionDescription(name: string, version: string, description: string): Promise<void>
  setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void>
  setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void>
  transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
  ): Promise<ModelVersion>
}

export interface CreateModelVersionRequest {
  name: string
  source: string
  runId: string
  runLink?: string
  description?: string
  tags: Record<string, string>
}
