import type { ModelVersion, RegisteredModel } from '../entities.js'
import type { CreateModelVersionRequest, ModelRegistryStore } from '../registry-store.js'
import { HttpClient, MlflowApiError } from './http-client.js'
import {
  modelVersionFromRest,
  registeredModelFromRest,
  type RestModelVersion,
  type RestRegisteredModel,
} from './rest-payloads.js'
import { filterLiteral, isNotFound } from './rest-tracking-store.js'

const API = '/api/2.0/mlflow'

/**
 * A missing alias is answered 400 INVALID_PARAMETER_VALUE ("Registered model alias … not found"),
 * not 404; a missing model is 404 RESOURCE_DOES_NOT_EXIST.
 */
const isMissingAlias = (error: unknown): boolean =>
  error instanceof MlflowApiError &&
  error.errorCode === 'INVALID_PARAMETER_VALUE' &&
  /alias .* not found/i.test(error.message)


export class RestRegistryStore implements ModelRegistryStore {
  constructor(private readonly http: HttpClient) {}

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    try {
      const { registered_model } = await this.http.json<{ registered_model: RestRegisteredModel }>({
        method: 'GET',
        path: `${API}/registered-models/get`,
        query: { name },
      })
      return registeredModelFromRest(registered_model)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async createRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    const { registered_model } = await this.http.json<{ registered_model: RestRegisteredModel }>({
      method: 'POST',
      path: `${API}/registered-models/create`,
      json: { name, description },
    })
    return registeredModelFromRest(registered_model)
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion | undefined> {
    try {
      const { model_version } = await this.http.json<{ model_version: RestModelVersion }>({
        method: 'GET',
        path: `${API}/model-versions/get`,
        query: { name, version },
      })
      return modelVersionFromRest(model_version)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    try {
      const { model_version } = await this.http.json<{ model_version: RestModelVersion }>({
        method: 'GET',
        path: `${API}/registered-models/alias`,
        query: { name, alias },
      })
      return modelVersionFromRest(model_version)
    } catch (error) {
      if (isNotFound(error) || isMissingAlias(error)) return undefined
      throw error
    }
  }

  async getLatestVersions(name: string, stages: string[]): Promise<ModelVersion[]> {
    try {
      const { model_versions } = await this.http.json<{ model_versions?: RestModelVersion[] }>({
        method: 'POST',
        path: `${API}/registered-models/get-latest-versions`,
        json: { name, stages },
      })
      return (model_versions ?? []).map(modelVersionFromRest)
    } catch (error) {
      if (isNotFound(error)) return []
      throw error
    }
  }

  async searchModelVersions(query: { name: string; runId?: string }): Promise<ModelVersion[]> {
    const clauses = [`name = ${filterLiteral(query.name)}`]
    if (query.runId) clauses.push(`run_id = ${filterLiteral(query.runId)}`)
    const versions: ModelVersion[] = []
    let pageToken: string | undefined
    do {
      const page = await this.http.json<{ model_versions?: RestModelVersion[]; next_page_token?: string }>({
        method: 'GET',
        path: `${API}/model-versions/search`,
        query: { filter: clauses.join(' AND '), max_results: 1000, page_token: pageToken },
      })
      versions.push(...(page.model_versions ?? []).map(modelVersionFromRest))
      pageToken = page.next_page_token || undefined
    } while (pageToken)
    return versions
  }

  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const create = () => this.postModelVersion(request)
    const findLanded = async () => (await this.searchModelVersions({ name: request.name, runId: request.runId }))[0]
    return this.http.createOnce(create, findLanded)
  }

  private async postModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const { model_version } = await this.http.json<{ model_version: RestModelVersion }>({
      method: 'POST',
      path: `${API}/model-versions/create`,
      retry: false,
      json: {
        name: request.name,
        source: request.source,
        run_id: request.runId,
        run_link: request.runLink,
        description: request.description,
        tags: Object.entries(request.tags).map(([key, value]) => ({ key, value })),
      },
    })
    return modelVersionFromRest(model_version)
  }

  async updateModelVersionDescription(name: string, version: string, description: string): Promise<void> {
    await this.http.json({ method: 'PATCH', path: `${API}/model-versions/update`, json: { name, version, description } })
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    await this.http.json({ method: 'POST', path: `${API}/model-versions/set-tag`, json: { name, version, key, value } })
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    await this.http.json({ method: 'POST', path: `${API}/registered-models/alias`, json: { name, alias, version } })
  }

  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
  ): Promise<ModelVersion> {
    const { model_version } = await this.http.json<{ model_version: RestModelVersion }>({
      method: 'POST',
      path: `${API}/model-versions/transition-stage`,
      json: { name, version, stage, archive_existing_versions: archiveExistingVersions },
    })
    return modelVersionFromRest(model_version)
  }
}
