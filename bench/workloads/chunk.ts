// Splitting one big log-batch into requests within MLflow's limits (src/mlflow/rest/log-batch-chunks.ts).
import type { Metric, Param, RunTag } from '../../src/mlflow/entities.js'
import { chunkLogBatch, LOG_BATCH_LIMITS } from '../../src/mlflow/rest/log-batch-chunks.js'
import type { RunBatch } from '../../src/mlflow/tracking-store.js'
import type { Workload } from '../workload.js'

export const chunkBatch =
  (metricPoints: number): Workload =>
  async () => {
    // As a long training history arrives: 30 metrics, one point per step each; plus a config's params.
    const keys = Array.from({ length: 30 }, (_, i) => `history_metric_${i}`)
    const timestamp = Date.now()
    const metrics: Metric[] = Array.from({ length: metricPoints }, (_, i) => ({
      key: keys[i % keys.length] as string,
      value: 1 / (1 + i / 1000),
      timestamp,
      step: Math.floor(i / keys.length),
    }))
    const params: Param[] = Array.from({ length: 250 }, (_, i) => ({ key: `model.param_${i}`, value: `value-${i}` }))
    const tags: RunTag[] = Array.from({ length: 20 }, (_, i) => ({ key: `github.tag_${i}`, value: `v${i}` }))
    const batch: RunBatch = { metrics, params, tags }
    let chunks: RunBatch[] = []
    return {
      run: () => {
        chunks = chunkLogBatch(batch)
      },
      check: () => {
        const sent = chunks.reduce((n, c) => n + c.metrics.length, 0)
        if (sent !== metricPoints) throw new Error(`chunks hold ${sent} metrics, not ${metricPoints}`)
        if (chunks.some((c) => c.metrics.length > LOG_BATCH_LIMITS.metrics)) throw new Error('a chunk is over the metric limit')
        return `${metricPoints.toLocaleString('en')} metrics + ${params.length} params + ${tags.length} tags → ${chunks.length} requests`
      },
    }
  }
