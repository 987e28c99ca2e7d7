import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { Metric } from '../../../src/mlflow/entities.js'
import { connectionFromEnv } from '../../../src/mlflow/rest/credentials.js'
import { HttpClient } from '../../../src/mlflow/rest/http-client.js'
import { proxiedRoot } from '../../../src/mlflow/rest/proxied-artifact-repository.js'
import { isNotFound, RestTrackingStore, runFilter } from '../../../src/mlflow/rest/rest-tracking-store.js'
import { withFakeMlflow, type Received, type Route } from '../../support/fake-mlflow-http.js'

const withStore = (route: Route, fn: (store: RestTrackingStore, received: Received[]) => Promise<void>) =>
  withFakeMlflow(route, (http, received) => fn(new RestTrackingStore(http), received))

const notFound = (message: string) => ({ status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message } })
const API = '/api/2.0/mlflow'

const restRun = (id: string, extra: Record<string, unknown> = {}) => ({
  info: { run_id: id, experiment_id: '7', run_name: `run-${id}`, status: 'FINISHED', start_time: '1700000000000', artifact_uri: `mlflow-artifacts:/7/${id}/artifacts`, lifecycle_stage: 'active', ...extra },
  data: { metrics: [{ key: 'f1', value: 0.5, timestamp: 1, step: 0 }, { key: 'bad', value: 'NaN', timestamp: 1, step: 0 }], params: [{ key: 'p', value: '1' }], tags: [{ key: 'github.pr', value: '42' }] },
})

const dir = mkdtempSync(join(tmpdir(), 'rest-tracking-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('runFilter', () => {
  test('dotted tag keys in backticks, values in single quotes, clauses joined with AND', () => {
    assert.equal(
      runFilter({ experimentIds: ['1'], tags: { 'github.run_key': 'acme/churn/9001/train/Bank Churn', 'github.pr': '42' }, status: 'FINISHED' }),
      "tags.`github.run_key` = 'acme/churn/9001/train/Bank Churn' AND tags.`github.pr` = '42' AND attributes.status = 'FINISHED'",
    )
    assert.equal(runFilter({ experimentIds: ['1'] }), '')
  })

  test('a value holding a single quote is double-quoted; one holding both quote kinds is refused', () => {
    assert.equal(runFilter({ experimentIds: ['1'], tags: { 'mlflow.source.git.branch': "o'brien/fix" } }), 'tags.`mlflow.source.git.branch` = "o\'brien/fix"')
    assert.throws(() => runFilter({ experimentIds: ['1'], tags: { k: `it's "x"` } }), /both quote kinds/)
  })
})

describe('RestTrackingStore', () => {
  test('getExperimentByName: found, and missing → undefined', async () => {
    await withStore(
      (r) =>
        r.query.get('experiment_name') === 'BankChurn'
          ? { body: { experiment: { experiment_id: '7', name: 'BankChurn', artifact_location: 'mlflow-artifacts:/7', lifecycle_stage: 'active' } } }
          : notFound(`Could not find experiment with name '${r.query.get('experiment_name')}'`),
      async (store, received) => {
        assert.deepEqual(await store.getExperimentByName('BankChurn'), { experimentId: '7', name: 'BankChurn', artifactLocation: 'mlflow-artifacts:/7', lifecycleStage: 'active' })
        assert.equal(await store.getExperimentByName('Other'), undefined)
        assert.equal(received[0]?.method, 'GET')
        assert.equal(received[0]?.path, `${API}/experiments/get-by-name`)
      },
    )
  })

  test('other errors are not mistaken for missing', async () => {
    await withStore(
      () => ({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } }),
      async (store) => {
        await assert.rejects(store.getExperimentByName('X'), /PERMISSION_DENIED: no/)
        await assert.rejects(store.getRun('r'), /PERMISSION_DENIED/)
      },
    )
  })

  test('createExperiment, createRun and updateRun send MLflow\'s request bodies', async () => {
    await withStore(
      (r) => {
        if (r.path.endsWith('/experiments/create')) return { body: { experiment_id: 12 } }
        if (r.path.endsWith('/runs/create')) return { body: { run: restRun('abc', { status: 'RUNNING', experiment_id: '12' }) } }
        return { body: {} }
      },
      async (store, received) => {
        assert.equal(await store.createExperiment('BankChurn'), '12')
        const run = await store.createRun({ experimentId: '12', runName: 'pr-1-abc', startTime: 1700000000000, userId: 'octocat', tags: [{ key: 'mlflow.runName', value: 'pr-1-abc' }] })
        assert.equal(run.info.runId, 'abc')
        assert.equal(run.info.status, 'RUNNING')
        await store.updateRun('abc', 'FINISHED', 1700000000999)
        assert.deepEqual(received.map((r) => [r.method, r.path, r.json]), [
          ['POST', `${API}/experiments/create`, { name: 'BankChurn' }],
          ['POST', `${API}/runs/create`, { experiment_id: '12', run_name: 'pr-1-abc', start_time: 1700000000000, user_id: 'octocat', tags: [{ key: 'mlflow.runName', value: 'pr-1-abc' }] }],
          ['POST', `${API}/runs/update`, { run_id: 'abc', status: 'FINISHED', end_time: 1700000000999 }],
        ])
      },
    )
  })

  test('getRun: converted to entities (int64 strings, NaN strings), missing → undefined', async () => {
    await withStore(
      (r) => (r.query.get('run_id') === 'abc' ? { body: { run: restRun('abc') } } : notFound('Run with id=zzz not found')),
      async (store) => {
        const run = await store.getRun('abc')
        assert.ok(run)
        assert.deepEqual(run.info, {
          runId: 'abc',
          experimentId: '7',
          runName: 'run-abc',
          status: 'FINISHED',
          startTime: 1700000000000,
          endTime: undefined,
          artifactUri: 'mlflow-artifacts:/7/abc/artifacts',
          lifecycleStage: 'active',
          userId: undefined,
        })
        assert.equal(run.data.metrics.f1, 0.5)
        assert.ok(Number.isNaN(run.data.metrics.bad))
        assert.deepEqual(run.data.params, { p: '1' })
        assert.deepEqual(run.data.tags, { 'github.pr': '42' })
        assert.equal(await store.getRun('zzz'), undefined)
      },
    )
  })

  test('searchRuns follows next_page_token, newest first, active runs only', async () => {
    await withStore(
      (r) => {
        const token = r.json.page_token as string | undefined
        if (!token) return { body: { runs: [restRun('a'), restRun('b')], next_page_token: 'p2' } }
        if (token === 'p2') return { body: { runs: [restRun('c')], next_page_token: 'p3' } }
        return { body: { runs: [restRun('d')] } }
      },
      async (store, received) => {
        const runs = await store.searchRuns({ experimentIds: ['7'], tags: { 'github.pr': '42' }, status: 'FINISHED' })
        assert.deepEqual(runs.map((r) => r.info.runId), ['a', 'b', 'c', 'd'])
        assert.equal(received.length, 3)
        assert.deepEqual(received[0]?.json, {
          experiment_ids: ['7'],
          filter: "tags.`github.pr` = '42' AND attributes.status = 'FINISHED'",
          run_view_type: 'ACTIVE_ONLY',
          max_results: 1000,
          order_by: ['attributes.start_time DESC'],
        })
        assert.equal(received[1]?.json.page_token, 'p2')
        assert.equal(received[1]?.json.max_results, 998)
        assert.equal(received[2]?.json.page_token, 'p3')
      },
    )
  })

  test('searchRuns stops once maxResults runs are found', async () => {
    await withStore(
      () => ({ body: { runs: [restRun('a')], next_page_token: 'more' } }),
      async (store, received) => {
        const runs = await store.searchRuns({ experimentIds: ['7'], tags: { 'github.run_key': 'k' }, maxResults: 1 })
        assert.deepEqual(runs.map((r) => r.info.runId), ['a'])
        assert.equal(received.length, 1)
        assert.equal(received[0]?.json.max_results, 1)
      },
    )
  })

  test('searchRuns with no match answers []', async () => {
    await withStore(
      () => ({ body: {} }),
      async (store) => assert.deepEqual(await store.searchRuns({ experimentIds: ['7'] }), []),
    )
  })

  test('getMetricHistory pages through every point', async () => {
    await withStore(
      (r) =>
        r.query.get('page_token')
          ? { body: { metrics: [{ key: 'loss', value: 'Infinity', timestamp: '3', step: '2' }] } }
          : { body: { metrics: [{ key: 'loss', value: 0.9, timestamp: 1, step: 0 }, { key: 'loss', value: 0.5, timestamp: 2 }], next_page_token: 't' } },
      async (store, received) => {
        assert.deepEqual(await store.getMetricHistory('abc', 'loss'), [
          { key: 'loss', value: 0.9, timestamp: 1, step: 0 },
          { key: 'loss', value: 0.5, timestamp: 2, step: 0 },
          { key: 'loss', value: Infinity, timestamp: 3, step: 2 },
        ])
        assert.equal(received[0]?.query.get('run_id'), 'abc')
        assert.equal(received[0]?.query.get('metric_key'), 'loss')
        assert.equal(received[1]?.query.get('page_token'), 't')
      },
    )
  })

  test('logBatch splits a large batch within MLflow\'s limits, params first, and sends NaN as "NaN"', async () => {
    const metrics: Metric[] = Array.from({ length: 2500 }, (_, i) => ({ key: `m${i % 10}`, value: i === 0 ? NaN : i, timestamp: 5, step: i }))
    const params = Array.from({ length: 150 }, (_, i) => ({ key: `p${i}`, value: 'x'.repeat(6000) }))
    const tags = Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: 'y'.repeat(8000) }))
    await withStore(
      () => ({ body: {} }),
      async (store, received) => {
        await store.logBatch('0123456789abcdef0123456789abcdef', { metrics, params, tags })
        assert.ok(received.length >= 4)
        for (const r of received) {
          assert.equal(r.path, `${API}/runs/log-batch`)
          assert.equal(r.json.run_id, '0123456789abcdef0123456789abcdef')
          assert.ok(Buffer.byteLength(r.body) <= 1_000_000, `${Buffer.byteLength(r.body)} bytes`)
          assert.ok(r.json.metrics.length <= 1000 && r.json.params.length <= 100 && r.json.tags.length <= 100)
          assert.ok(r.json.metrics.length + r.json.params.length + r.json.tags.length <= 1000)
        }
        const sent = <K extends 'metrics' | 'params' | 'tags'>(k: K) => received.flatMap((r) => r.json[k])
        assert.deepEqual(sent('params'), params)
        assert.deepEqual(sent('tags'), tags)
        assert.deepEqual(sent('metrics'), metrics.map((m) => ({ ...m, value: Number.isNaN(m.value) ? 'NaN' : m.value })))
        // Every param is sent before any metric.
        const firstMetric = received.findIndex((r) => r.json.metrics.length > 0)
        const lastParam = received.findLastIndex((r) => r.json.params.length > 0)
        assert.ok(lastParam <= firstMetric)
      },
    )
  })

  test('UI links', async () => {
    await withStore(
      () => ({}),
      async (store) => {
        const base = store.displayUri
        assert.match(base, /^http:\/\/127\.0\.0\.1:\d+$/)
        assert.equal(store.runUrl('7', 'abc'), `${base}/#/experiments/7/runs/abc`)
        assert.equal(store.compareUrl('7', ['a', 'b']), `${base}/#/compare-runs?runs=${encodeURIComponent('["a","b"]')}&experiments=${encodeURIComponent('["7"]')}`)
        assert.equal(store.modelVersionUrl('Bank Churn', '3'), `${base}/#/models/Bank%20Churn/versions/3`)
      },
    )
  })

  test('isNotFound: by error code or HTTP 404 only', async () => {
    await withStore(
      () => ({ status: 400, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'gone' } }),
      async (store) => assert.equal(await store.getRun('x'), undefined),
    )
    assert.equal(isNotFound(new Error('RESOURCE_DOES_NOT_EXIST')), false)
  })
})

describe('ProxiedArtifactRepository (through RestTrackingStore.artifacts)', () => {
  test('proxiedRoot: mlflow-artifacts URIs, with or without an authority; others refused clearly', () => {
    assert.equal(proxiedRoot('mlflow-artifacts:/7/abc/artifacts'), '7/abc/artifacts')
    assert.equal(proxiedRoot('mlflow-artifacts://server:5000/7/abc/artifacts/'), '7/abc/artifacts')
    assert.throws(() => proxiedRoot('s3://bucket/7/abc/artifacts'), /s3:\/\/bucket\/7\/abc\/artifacts, which this tracking server does not proxy.*--no-serve-artifacts/)
    assert.throws(() => proxiedRoot('file:///mlruns/7/abc/artifacts'), /does not proxy/)
  })

  test('logFile PUTs the raw bytes at the encoded artifact path', async () => {
    const local = join(dir, 'roc curve.png')
    writeFileSync(local, Buffer.from([0, 1, 2, 255]))
    await withStore(
      () => ({ body: '' }),
      async (store, received) => {
        await store.artifacts('mlflow-artifacts:/7/abc/artifacts').logFile(local, 'reports/roc curve#1.png')
        assert.equal(received[0]?.method, 'PUT')
        assert.equal(received[0]?.path, '/api/2.0/mlflow-artifacts/artifacts/7/abc/artifacts/reports/roc%20curve%231.png')
        assert.equal(received[0]?.headers['content-length'], '4')
      },
    )
  })

  test('logFile re-sends the whole file when the server asks for a retry', async () => {
    const local = join(dir, 'model.pkl')
    const content = 'z'.repeat(200_000)
    writeFileSync(local, content)
    let calls = 0
    const received: string[] = []
    const server = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => chunks.push(c))
      req.on('end', () => {
        received.push(Buffer.concat(chunks).toString('utf8'))
        res.writeHead(calls++ === 0 ? 503 : 200)
        res.end()
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const http = new HttpClient(connectionFromEnv(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, {}), async () => {})
    try {
      await new RestTrackingStore(http).artifacts('mlflow-artifacts:/7/abc/artifacts').logFile(local, 'model/model.pkl')
      assert.deepEqual(received, [content, content])
    } finally {
      await http.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    }
  })

  test('list answers one level, with paths relative to the artifact root', async () => {
    await withStore(
      (r) => ({
        body:
          r.query.get('path') === '7/abc/artifacts/model'
            ? { files: [{ path: 'MLmodel', is_dir: false, file_size: '12' }, { path: 'sub', is_dir: true }] }
            : { files: [{ path: 'model', is_dir: true }, { path: 'training_results.json', is_dir: false, file_size: 99 }] },
      }),
      async (store, received) => {
        const repo = store.artifacts('mlflow-artifacts:/7/abc/artifacts')
        assert.deepEqual(await repo.list(), [
          { path: 'model', isDir: true, fileSize: undefined },
          { path: 'training_results.json', isDir: false, fileSize: 99 },
        ])
        assert.deepEqual(await repo.list('model/'), [
          { path: 'model/MLmodel', isDir: false, fileSize: 12 },
          { path: 'model/sub', isDir: true, fileSize: undefined },
        ])
        assert.equal(received[0]?.path, '/api/2.0/mlflow-artifacts/artifacts')
        assert.equal(received[0]?.query.get('path'), '7/abc/artifacts')
      },
    )
  })
})
