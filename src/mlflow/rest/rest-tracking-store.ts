import type { Experiment, Metric, Run, RunStatus } from '../entities.js'
import type { ArtifactRepository, CreateRunRequest, RunBatch, RunQuery, TrackingStore } from '../tracking-store.js'
import { ProxiedArtifactRepository } from './proxied-artifact-repository.js'
import { HttpClient, MlflowApiError } from './http-client.js'
import { chunkLogBatch } from './log-batch-chunks.js'
import {
  experimentFromRest,
  metricFromRest,
  metricToRest,
  runFromRest,
  type RestExperiment,
  type RestMetric,
  type RestRun,
} from './rest-payloads.js'

const API = '/api/2.0/mlflow'

export const isNotFound = (error: unknown): boolean =>
  error instanceof MlflowApiError && (error.errorCode === 'RESOURCE_DOES_NOT_EXIST' || error.status === 404)

/** A filter literal: MLflow's search grammar quotes strings with single quotes, doubling none. */
export const filterLiteral = (value: string): string => {
  if (value.includes("'")) {
    // MLflow's filter parser has no escape for a quote inside a single-quoted string; double quotes work.
    if (value.includes('"')) throw new Error(`cannot search MLflow for a value with both quote kinds: ${value}`)
    return `"${value}"`
  }
  return `'${value}'`
}

/** Builds a search-runs filter; dotted tag keys need backticks. */
export function runFilter(query: RunQuery): string {
  const clauses = Object.entries(query.tags ?? {}).map(([key, value]) => `tags.\`${key}\` = ${filterLiteral(value)}`)
  if (query.status) clauses.push(`attributes.status = '${query.status}'`)
  return clauses.join(' AND ')
}

export class RestTrackingStore implements TrackingStore {
  constructor(private readonly http: HttpClient) {}

  get displayUri(): string {
    return this.http.baseUrl
  }

  async getExperimentByName(name: string): Promise<Experiment | undefined> {
    try {
      const { experiment } = await this.http.json<{ experiment: RestExperiment }>({
        method: 'GET',
        path: `${API}/experiments/get-by-name`,
        query: { experiment_name: name },
      })
      return experimentFromRest(experiment)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async createExperiment(name: string): Promise<string> {
    const { experiment_id } = await this.http.json<{ experiment_id: string }>({
      method: 'POST',
      path: `${API}/experiments/create`,
      json: { name },
    })
    return String(experiment_id)
  }

  async createRun(request: CreateRunRequest): Promise<Run> {
    const create = async () => {
      const { run } = await this.http.json<{ run: RestRun }>({
        method: 'POST',
        path: `${API}/runs/create`,
        retry: false,
        json: {
          experiment_id: request.experimentId,
          run_name: request.runName,
          start_time: request.startTime,
          user_id: request.userId,
          tags: request.tags,
        },
      })
      return runFromRest(run)
    }
    // The run name and our own start time tell a run that landed from any other.
    const findLanded = async () =>
      (
        await this.searchRuns({ experimentIds: [request.experimentId], tags: { 'mlflow.runName': request.runName }, maxResults: 50 })
      ).find((r) => r.info.startTime === request.startTime)
    return this.http.createOnce(create, findLanded)
  }

  async getRun(runId: string): Promise<Run | undefined> {
    try {
      const { run } = await this.http.json<{ run: RestRun }>({ method: 'GET', path: `${API}/runs/get`, query: { run_id: runId } })
      return runFromRest(run)
    } catch (error) {
      if (isNotFound(error)) return undefined
      throw error
    }
  }

  async updateRun(runId: string, status: RunStatus, endTime: number): Promise<void> {
    await this.http.json({ method: 'POST', path: `${API}/runs/update`, json: { run_id: runId, status, end_time: endTime } })
  }

  async logBatch(runId: string, batch: RunBatch): Promise<void> {
    for (const chunk of chunkLogBatch(batch)) {
      await this.http.json({
        method: 'POST',
        path: `${API}/runs/log-batch`,
        json: { run_id: runId, metrics: chunk.metrics.map(metricToRest), params: chunk.params, tags: chunk.tags },
      })
    }
  }

  async getMetricHistory(runId: string, key: string): Promise<Metric[]> {
    const points: Metric[] = []
    let pageToken: string | undefined
    do {
      const page = await this.http.json<{ metrics?: RestMetric[]; next_page_token?: string }>({
        method: 'GET',
        path: `${API}/metrics/get-history`,
        query: { run_id: runId, metric_key: key, max_results: 25000, page_token: pageToken },
      })
      points.push(...(page.metrics ?? []).map(metricFromRest))
      pageToken = page.next_page_token || undefined
    } while (pageToken)
    return points
  }

  async searchRuns(query: RunQuery): Promise<Run[]> {
    const wanted = query.maxResults ?? 1000
    const runs: Run[] = []
    let pageToken: string | undefined
    do {
      const page = await this.http.json<{ runs?: RestRun[]; next_page_token?: string }>({
        method: 'POST',
        path: `${API}/runs/search`,
        json: {
          experiment_ids: query.experimentIds,
          filter: runFilter(query),
          run_view_type: 'ACTIVE_ONLY',
          max_results: Math.min(wanted - runs.length, 1000),
          order_by: ['attributes.start_time DESC'],
          page_token: pageToken,
        },
      })
      runs.push(...(page.runs ?? []).map(runFromRest))
      pageToken = page.next_page_token || undefined
    } while (pageToken && runs.length < wanted)
    return runs
  }

  artifacts(artifactUri: string): ArtifactRepository {
    return new ProxiedArtifactRepository(this.http, artifactUri)
  }

  runUrl(experimentId: string, runId: string): string {
    return `${this.http.baseUrl}/#/experiments/${encodeURIComponent(experimentId)}/runs/${encodeURIComponent(runId)}`
  }

  compareUrl(experimentId: string, runIds: string[]): string {
    const runs = encodeURIComponent(JSON.stringify(runIds))
    const experiments = encodeURIComponent(JSON.stringify([experimentId]))
    return `${this.http.baseUrl}/#/compare-runs?runs=${runs}&experiments=${experiments}`
  }

  modelVersionUrl(name: string, version: string): string {
    return `${this.http.baseUrl}/#/models/${encodeURIComponent(name)}/versions/${encodeURIComponent(version)}`
  }
}
