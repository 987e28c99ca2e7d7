import type { RunBatch } from '../tracking-store.js'

// Per-request limits of MLflow's log-batch (mlflow/utils/validation.py).
export const LOG_BATCH_LIMITS = {
  metrics: 1000,
  params: 100,
  tags: 100,
  entities: 1000,
  bytes: 1_000_000,
} as const

type Limits = typeof LOG_BATCH_LIMITS
type Kind = 'params' | 'tags' | 'metrics'

/** The JSON the REST store sends: a non-finite metric value goes as "NaN"/"Infinity" (rest-payloads.ts), not null. */
const encodeAsSent = (value: unknown): string =>
  JSON.stringify(value, (_key, v: unknown) =>
    typeof v === 'number' && !Number.isFinite(v) ? (Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity') : v,
  )

/**
 * Splits a batch into requests that each respect every limit, keeping the order within each kind.
 * Params go first, as MLflow's client sends them, so a rejected param fails before metrics land.
 */
export function chunkLogBatch(batch: RunBatch, limits: Limits = LOG_BATCH_LIMITS, encode: (value: unknown) => string = encodeAsSent): RunBatch[] {
  const envelope = Buffer.byteLength(encode({ run_id: 'x'.repeat(32), metrics: [], params: [], tags: [] }))
  const chunks: RunBatch[] = []
  let current: RunBatch = { metrics: [], params: [], tags: [] }
  let bytes = envelope
  const count = () => current.metrics.length + current.params.length + current.tags.length

  const add = <K extends Kind>(kind: K, item: RunBatch[K][number]) => {
    const size = Buffer.byteLength(encode(item)) + 1
    if (envelope + size > limits.bytes) {
      throw new Error(`a single ${kind.slice(0, -1)} "${item.key}" is larger than MLflow's ${limits.bytes}-byte request limit`)
    }
    if (current[kind].length >= limits[kind] || count() >= limits.entities || bytes + size > limits.bytes) {
      chunks.push(current)
      current = { metrics: [], params: [], tags: [] }
      bytes = envelope
    }
    ;(current[kind] as Array<typeof item>).push(item)
    bytes += size
  }

  for (const param of batch.params) add('params', param)
  for (const tag of batch.tags) add('tags', tag)
  for (const metric of batch.metrics) add('metrics', metric)
  if (count() > 0) chunks.push(current)
  return chunks
}
