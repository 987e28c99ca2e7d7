import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import type { Metric, Param, RunTag } from '../../../src/mlflow/entities.js'
import { chunkLogBatch, LOG_BATCH_LIMITS } from '../../../src/mlflow/rest/log-batch-chunks.js'
import { metricToRest } from '../../../src/mlflow/rest/rest-payloads.js'
import type { RunBatch } from '../../../src/mlflow/tracking-store.js'

const RUN_ID = '0123456789abcdef0123456789abcdef'

/** The body RestTrackingStore.logBatch sends for one chunk. */
const bodyBytes = (chunk: RunBatch) =>
  Buffer.byteLength(JSON.stringify({ run_id: RUN_ID, metrics: chunk.metrics.map(metricToRest), params: chunk.params, tags: chunk.tags }))

const metrics = (n: number, value = (i: number) => i / 7): Metric[] =>
  Array.from({ length: n }, (_, i) => ({ key: `m_${i % 37}`, value: value(i), timestamp: 1_700_000_000_000, step: i }))
const params = (n: number, size = 10): Param[] => Array.from({ length: n }, (_, i) => ({ key: `p_${i}`, value: 'v'.repeat(size) }))
const tags = (n: number, size = 10): RunTag[] => Array.from({ length: n }, (_, i) => ({ key: `t_${i}`, value: 'w'.repeat(size) }))

/** Every limit of MLflow's log-batch holds for every chunk, and the chunks hold exactly the batch, in order. */
function assertValidChunks(batch: RunBatch, chunks: RunBatch[]) {
  for (const [i, chunk] of chunks.entries()) {
    const where = `chunk ${i}`
    assert.ok(chunk.metrics.length <= LOG_BATCH_LIMITS.metrics, where)
    assert.ok(chunk.params.length <= LOG_BATCH_LIMITS.params, where)
    assert.ok(chunk.tags.length <= LOG_BATCH_LIMITS.tags, where)
    const total = chunk.metrics.length + chunk.params.length + chunk.tags.length
    assert.ok(total > 0 && total <= LOG_BATCH_LIMITS.entities, `${where} has ${total} items`)
    assert.ok(bodyBytes(chunk) <= LOG_BATCH_LIMITS.bytes, `${where} is ${bodyBytes(chunk)} bytes`)
  }
  assert.deepEqual(chunks.flatMap((c) => c.metrics), batch.metrics)
  assert.deepEqual(chunks.flatMap((c) => c.params), batch.params)
  assert.deepEqual(chunks.flatMap((c) => c.tags), batch.tags)
}

describe('chunkLogBatch', () => {
  test('an empty batch sends nothing; a small one goes in one request', () => {
    assert.deepEqual(chunkLogBatch({ metrics: [], params: [], tags: [] }), [])
    const batch = { metrics: metrics(3), params: params(2), tags: tags(2) }
    assert.deepEqual(chunkLogBatch(batch), [batch])
  })

  test('2500 metrics: 1000 per request', () => {
    const batch = { metrics: metrics(2500), params: [], tags: [] }
    const chunks = chunkLogBatch(batch)
    assert.deepEqual(chunks.map((c) => c.metrics.length), [1000, 1000, 500])
    assertValidChunks(batch, chunks)
  })

  test('250 params and 250 tags: 100 of each per request', () => {
    const batch = { metrics: [], params: params(250), tags: tags(250) }
    const chunks = chunkLogBatch(batch)
    assert.ok(chunks.every((c) => c.params.length <= 100 && c.tags.length <= 100))
    assert.equal(chunks.length, 5)
    assertValidChunks(batch, chunks)
  })

  test('1000 items in all per request, params first as MLflow\'s client sends them', () => {
    const batch = { metrics: metrics(1950), params: params(100), tags: tags(100) }
    const chunks = chunkLogBatch(batch)
    assertValidChunks(batch, chunks)
    assert.deepEqual(
      chunks.map((c) => [c.params.length, c.tags.length, c.metrics.length]),
      [
        [100, 100, 800],
        [0, 0, 1000],
        [0, 0, 150],
      ],
    )
  })

  test('the 1 MB body limit: large params and tags are split by size', () => {
    // 100 params × 6000 chars + 100 tags × 8000 chars ≈ 1.4 MB: over the limit though within every count.
    const batch = { metrics: metrics(500), params: params(100, 6000), tags: tags(100, 8000) }
    const chunks = chunkLogBatch(batch)
    assert.ok(chunks.length >= 2)
    assertValidChunks(batch, chunks)
    // A chunk is only cut when the next item would not fit.
    for (const [i, chunk] of chunks.slice(0, -1).entries()) {
      const next = chunks[i + 1] as RunBatch
      const first = next.params[0] ?? next.tags[0] ?? next.metrics[0]
      const kind = next.params[0] ? 'params' : next.tags[0] ? 'tags' : 'metrics'
      const withNext = { ...chunk, [kind]: [...chunk[kind], first] } as RunBatch
      const countsFull = chunk[kind].length >= LOG_BATCH_LIMITS[kind]
      assert.ok(countsFull || bodyBytes(withNext) > LOG_BATCH_LIMITS.bytes - 100, `chunk ${i} was cut early`)
    }
  })

  test('non-finite metric values are sized as sent ("-Infinity", not null)', () => {
    // Tags fill the request so that 900 -Infinity metrics fit only when sized as null.
    const metricList = metrics(900, () => -Infinity)
    const sentMetrics = Buffer.byteLength(JSON.stringify(metricList.map(metricToRest)))
    const asNull = Buffer.byteLength(JSON.stringify(metricList))
    assert.ok(sentMetrics - asNull > 5000)
    const envelope = Buffer.byteLength(JSON.stringify({ run_id: RUN_ID, metrics: [], params: [], tags: [] }))
    const room = LOG_BATCH_LIMITS.bytes - envelope - asNull - 2000
    const tagCount = 90
    const tagValue = Math.floor(room / tagCount) - Buffer.byteLength(JSON.stringify({ key: 't_00', value: '' })) - 1
    const batch = { metrics: metricList, params: [], tags: tags(tagCount, tagValue) }
    const chunks = chunkLogBatch(batch)
    assertValidChunks(batch, chunks)
    assert.equal(chunks.length, 2)
  })

  test('a single item larger than a request is refused by name', () => {
    assert.throws(
      () => chunkLogBatch({ metrics: [], params: [], tags: [{ key: 'huge', value: 'x'.repeat(1_000_000) }] }),
      /a single tag "huge" is larger than MLflow's 1000000-byte request limit/,
    )
  })

  test('property: any batch is split within every limit, in order, nothing lost', () => {
    const item = fc.record({ key: fc.string({ minLength: 1, maxLength: 40 }), value: fc.string({ maxLength: 9000 }) })
    const metric = fc.record({
      key: fc.string({ minLength: 1, maxLength: 250 }),
      value: fc.oneof(fc.double(), fc.constantFrom(NaN, Infinity, -Infinity)),
      timestamp: fc.nat(),
      step: fc.nat(),
    })
    fc.assert(
      fc.property(
        fc.array(metric, { maxLength: 2500 }),
        fc.array(item, { maxLength: 250 }),
        fc.array(item, { maxLength: 250 }),
        (m, p, t) => {
          const batch = { metrics: m, params: p, tags: t }
          assertValidChunks(batch, chunkLogBatch(batch))
        },
      ),
      { numRuns: 40 },
    )
  })
})
