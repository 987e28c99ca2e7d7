import assert from 'node:assert/strict'
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { connectionFromEnv } from '../../../src/mlflow/rest/credentials.js'
import { HttpClient, MlflowApiError } from '../../../src/mlflow/rest/http-client.js'

interface Received {
  method: string
  url: string
  headers: IncomingHttpHeaders
  body: string
}
interface Answer {
  status: number
  body?: string
  headers?: Record<string, string>
}

/** A local HTTP server that answers from a script, one answer per request (the last one repeats). */
async function fakeServer(answers: Answer[]) {
  const received: Received[] = []
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') })
      const answer = answers[Math.min(received.length - 1, answers.length - 1)] as Answer
      res.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers })
      res.end(answer.body ?? '{}')
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}

/** A client with a fake sleep that records each delay, so retries take no time. */
function client(url: string, env: NodeJS.ProcessEnv = {}) {
  const delays: number[] = []
  const http = new HttpClient(connectionFromEnv(url, env), async (ms) => {
    delays.push(ms)
  })
  return { http, delays }
}

async function withServer(answers: Answer[], env: NodeJS.ProcessEnv, fn: (s: Awaited<ReturnType<typeof fakeServer>>, c: ReturnType<typeof client>) => Promise<void>) {
  const server = await fakeServer(answers)
  const c = client(server.url, env)
  try {
    await fn(server, c)
  } finally {
    await c.http.close()
    await server.close()
  }
}

const error = (code: string, message: string) => JSON.stringify({ error_code: code, message })

const dir = mkdtempSync(join(tmpdir(), 'http-client-'))
after(() => rmSync(dir, { recursive: true, force: true }))

describe('HttpClient', () => {
  test('a GET with query parameters and a POST with a JSON body', async () => {
    await withServer([{ status: 200, body: '{"experiment": {"experiment_id": "1"}}' }], {}, async (server, { http }) => {
      const answer = await http.json<{ experiment: { experiment_id: string } }>({
        method: 'GET',
        path: '/api/2.0/mlflow/experiments/get-by-name',
        query: { experiment_name: 'Bank Churn & co', skipped: undefined },
      })
      assert.equal(answer.experiment.experiment_id, '1')
      await http.json({ method: 'POST', path: '/api/2.0/mlflow/runs/update', json: { run_id: 'r', status: 'FINISHED' } })
      assert.equal(server.received[0]?.url, '/api/2.0/mlflow/experiments/get-by-name?experiment_name=Bank+Churn+%26+co')
      assert.equal(server.received[0]?.method, 'GET')
      assert.equal(server.received[1]?.method, 'POST')
      assert.equal(server.received[1]?.headers['content-type'], 'application/json')
      assert.deepEqual(JSON.parse(server.received[1]?.body ?? ''), { run_id: 'r', status: 'FINISHED' })
      assert.equal(server.received[1]?.headers.authorization, undefined)
    })
  })

  test('an empty 200 body reads as {}; a non-JSON one is an error', async () => {
    await withServer([{ status: 200, body: '' }, { status: 200, body: '<html>proxy</html>' }], {}, async (_server, { http }) => {
      assert.deepEqual(await http.json({ method: 'POST', path: '/a', json: {} }), {})
      await assert.rejects(http.json({ method: 'GET', path: '/b' }), /MLflow \/b failed \(HTTP 200\): answered something that is not JSON: <html>proxy<\/html>/)
    })
  })

  test('retries 503, 429 and 408, then succeeds, sleeping through the injected sleep', async () => {
    const answers = [{ status: 503 }, { status: 429 }, { status: 408 }, { status: 200, body: '{"ok": true}' }]
    await withServer(answers, {}, async (server, { http, delays }) => {
      assert.deepEqual(await http.json({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', json: { run_id: 'r' } }), { ok: true })
      assert.equal(server.received.length, 4)
      assert.ok(server.received.every((r) => r.body === '{"run_id":"r"}'))
      // urllib3's backoff as MLflow sets it: factor 2 × 2^attempt seconds, plus up to 1 s of jitter.
      assert.equal(delays.length, 3)
      delays.forEach((ms, attempt) => {
        const base = 2 * 2 ** attempt * 1000
        assert.ok(ms >= base && ms < base + 1000, `attempt ${attempt} slept ${ms} ms`)
      })
    })
  })

  test('honours Retry-After (seconds), capped at the maximum backoff', async () => {
    const answers = [{ status: 429, headers: { 'retry-after': '7' } }, { status: 503, headers: { 'retry-after': '9999' } }, { status: 200 }]
    await withServer(answers, {}, async (_server, { http, delays }) => {
      await http.json({ method: 'GET', path: '/x' })
      assert.deepEqual(delays, [7000, 120_000])
    })
  })

  test('honours a Retry-After date', async () => {
    const when = new Date(Date.now() + 60_000).toUTCString()
    await withServer([{ status: 503, headers: { 'retry-after': when } }, { status: 200 }], {}, async (_server, { http, delays }) => {
      await http.json({ method: 'GET', path: '/x' })
      assert.equal(delays.length, 1)
      assert.ok((delays[0] ?? 0) > 50_000 && (delays[0] ?? 0) <= 60_000, String(delays[0]))
    })
  })

  test('does not retry 400 or 404; the error shows error_code, message and endpoint', async () => {
    await withServer([{ status: 400, body: error('INVALID_PARAMETER_VALUE', 'Changing param values is not allowed.') }], {}, async (server, { http, delays }) => {
      await assert.rejects(
        http.json({ method: 'POST', path: '/api/2.0/mlflow/runs/log-batch', json: {} }),
        (e: unknown) => {
          assert.ok(e instanceof MlflowApiError)
          assert.equal(e.status, 400)
          assert.equal(e.errorCode, 'INVALID_PARAMETER_VALUE')
          assert.equal(e.endpoint, '/api/2.0/mlflow/runs/log-batch')
          assert.equal(e.message, 'MLflow /api/2.0/mlflow/runs/log-batch failed (HTTP 400): INVALID_PARAMETER_VALUE: Changing param values is not allowed.')
          return true
        },
      )
      assert.equal(server.received.length, 1)
      assert.deepEqual(delays, [])
    })
    await withServer([{ status: 404, body: error('RESOURCE_DOES_NOT_EXIST', 'Run x not found') }], {}, async (server, { http }) => {
      await assert.rejects(http.json({ method: 'GET', path: '/api/2.0/mlflow/runs/get' }), (e: unknown) => e instanceof MlflowApiError && e.errorCode === 'RESOURCE_DOES_NOT_EXIST' && e.status === 404)
      assert.equal(server.received.length, 1)
    })
  })

  test('gives up after MLFLOW_HTTP_REQUEST_MAX_RETRIES and reports the last answer', async () => {
    await withServer([{ status: 500, body: error('INTERNAL_ERROR', 'boom') }], { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2' }, async (server, { http, delays }) => {
      await assert.rejects(http.json({ method: 'GET', path: '/p' }), /MLflow \/p failed \(HTTP 500\): INTERNAL_ERROR: boom/)
      assert.equal(server.received.length, 3)
      assert.equal(delays.length, 2)
    })
  })

  test('a body that is not MLflow\'s error shape is shown (shortened), with hints for 401 and the Host check', async () => {
    await withServer(
      [
        { status: 401, body: 'You are not authenticated' },
        { status: 403, body: 'Invalid Host header - possible DNS rebinding attack detected' },
        { status: 502, body: `<html>${'x'.repeat(1000)}</html>` },
      ],
      { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' },
      async (_server, { http }) => {
        await assert.rejects(http.json({ method: 'GET', path: '/a' }), /HTTP 401\): You are not authenticated \(check MLFLOW_TRACKING_USERNAME\/PASSWORD or MLFLOW_TRACKING_TOKEN\)/)
        await assert.rejects(http.json({ method: 'GET', path: '/b' }), /HTTP 403\): Invalid Host header.*--allowed-hosts/)
        await assert.rejects(http.json({ method: 'GET', path: '/c' }), (e: Error) => /HTTP 502/.test(e.message) && e.message.length < 400 && e.message.endsWith('…'))
      },
    )
  })

  test('Basic credentials are sent and never appear in an error', async () => {
    const env = { MLFLOW_TRACKING_USERNAME: 'alice', MLFLOW_TRACKING_PASSWORD: 'hunter2-secret' }
    await withServer([{ status: 403, body: error('PERMISSION_DENIED', 'Permission denied') }], env, async (server, { http }) => {
      const encoded = Buffer.from('alice:hunter2-secret').toString('base64')
      await assert.rejects(http.json({ method: 'GET', path: '/api/2.0/mlflow/runs/get' }), (e: Error) => {
        assert.match(e.message, /PERMISSION_DENIED: Permission denied/)
        assert.ok(!e.message.includes('hunter2-secret') && !e.message.includes(encoded), e.message)
        assert.ok(!(e.stack ?? '').includes('hunter2-secret'))
        return true
      })
      assert.equal(server.received[0]?.headers.authorization, `Basic ${encoded}`)
    })
  })

  test('credentials embedded in the URI are sent as Basic and never shown', async () => {
    const server = await fakeServer([{ status: 400, body: error('BAD_REQUEST', 'no') }])
    const { http } = client(server.url.replace('http://', 'http://bob:pa55word@'))
    try {
      assert.ok(!http.baseUrl.includes('pa55word'))
      await assert.rejects(http.json({ method: 'GET', path: '/x' }), (e: Error) => !e.message.includes('pa55word') && !e.message.includes('bob:'))
      assert.equal(server.received[0]?.headers.authorization, `Basic ${Buffer.from('bob:pa55word').toString('base64')}`)
    } finally {
      await http.close()
      await server.close()
    }
  })

  test('a token is sent as Bearer and never appears in an error', async () => {
    await withServer([{ status: 401, body: error('UNAUTHENTICATED', 'bad token') }], { MLFLOW_TRACKING_TOKEN: 'tok-very-secret' }, async (server, { http }) => {
      await assert.rejects(http.json({ method: 'GET', path: '/x' }), (e: Error) => /UNAUTHENTICATED: bad token/.test(e.message) && !e.message.includes('tok-very-secret'))
      assert.equal(server.received[0]?.headers.authorization, 'Bearer tok-very-secret')
    })
  })

  test('connection refused is retried, then reported without credentials', async () => {
    // A port that was free a moment ago: nothing listens there now.
    const server = await fakeServer([{ status: 200 }])
    const url = server.url
    await server.close()
    const { http, delays } = client(url.replace('http://', 'http://carol:s3cr3t@'), { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '3' })
    try {
      await assert.rejects(http.json({ method: 'GET', path: '/api/2.0/mlflow/experiments/get-by-name' }), (e: unknown) => {
        assert.ok(e instanceof MlflowApiError)
        assert.equal(e.status, undefined)
        assert.equal(e.message, `MLflow /api/2.0/mlflow/experiments/get-by-name failed: cannot reach ${url} (ECONNREFUSED)`)
        assert.ok(!e.message.includes('s3cr3t'))
        return true
      })
      assert.equal(delays.length, 3)
    } finally {
      await http.close()
    }
  })

  test('a streamed upload is re-sent whole on retry, from a fresh stream', async () => {
    const path = join(dir, 'model.pkl')
    const content = 'pickle-bytes-'.repeat(10_000)
    writeFileSync(path, content)
    let opened = 0
    await withServer([{ status: 503 }, { status: 500 }, { status: 200, body: '' }], {}, async (server, { http }) => {
      const text = await http.send({
        method: 'PUT',
        path: '/api/2.0/mlflow-artifacts/artifacts/1/r/artifacts/model/model.pkl',
        stream: () => {
          opened++
          return { body: createReadStream(path), length: Buffer.byteLength(content) }
        },
      })
      assert.equal(text, '')
      assert.equal(opened, 3)
      assert.equal(server.received.length, 3)
      for (const r of server.received) {
        assert.equal(r.method, 'PUT')
        assert.equal(r.body, content)
        assert.equal(r.headers['content-length'], String(Buffer.byteLength(content)))
        assert.equal(r.headers['content-type'], 'application/octet-stream')
      }
    })
  })

  test('backoffMs: exponential, capped at 120 s, Retry-After wins', () => {
    const http = new HttpClient(connectionFromEnv('http://127.0.0.1:9', { MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0' }))
    try {
      assert.deepEqual([0, 1, 2, 3, 10].map((a) => http.backoffMs(a)), [2000, 4000, 8000, 16000, 120_000])
      assert.equal(http.backoffMs(5, 3), 3000)
      assert.equal(http.backoffMs(0, 0), 0)
    } finally {
      void http.close()
    }
  })
})

describe('a create MLflow does not make idempotent', () => {
  const createRequest = { method: 'POST' as const, path: '/api/2.0/mlflow/runs/create', json: {}, retry: false }

  test('a lost answer is looked for before creating again, and what landed is used', async () => {
    await withServer([{ status: 502, body: 'bad gateway' }, { status: 200, body: '{"run": "second"}' }], {}, async (server, { http }) => {
      let lookups = 0
      const made = await http.createOnce(
        () => http.json<{ run: string }>(createRequest),
        async () => {
          lookups++
          return { run: 'the first, which landed' }
        },
      )
      assert.deepEqual(made, { run: 'the first, which landed' })
      assert.equal(lookups, 1)
      assert.equal(server.received.length, 1, 'the create was not sent a second time')
    })
  })

  test('when nothing landed it is created again; a 400 is never retried', async () => {
    await withServer([{ status: 503 }, { status: 200, body: '{"run": "second"}' }], {}, async (server, { http }) => {
      const made = await http.createOnce(() => http.json<{ run: string }>(createRequest), async () => undefined)
      assert.deepEqual(made, { run: 'second' })
      assert.equal(server.received.length, 2)
    })
    await withServer([{ status: 400, body: '{"error_code": "INVALID_PARAMETER_VALUE", "message": "no"}' }], {}, async (server, { http }) => {
      await assert.rejects(http.createOnce(() => http.json(createRequest), async () => undefined), /INVALID_PARAMETER_VALUE: no/)
      assert.equal(server.received.length, 1)
    })
  })
})
