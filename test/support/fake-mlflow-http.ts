// A fake MLflow HTTP endpoint for unit tests of the REST stores: each request goes to `route` and
// is recorded. (Integration tests use the real MLflow server instead.)
import { createServer, type IncomingHttpHeaders } from 'node:http'
import type { AddressInfo } from 'node:net'
import { connectionFromEnv } from '../../src/mlflow/rest/credentials.js'
import { HttpClient } from '../../src/mlflow/rest/http-client.js'

export interface Received {
  method: string
  path: string
  query: URLSearchParams
  headers: IncomingHttpHeaders
  body: string
  json: any
}

export type Route = (req: Received) => { status?: number; body?: unknown }

/** Serves `route` on 127.0.0.1 for the length of `fn`, with an HttpClient that does not retry. */
export async function withFakeMlflow(route: Route, fn: (http: HttpClient, received: Received[]) => Promise<void>): Promise<void> {
  const received: Received[] = []
  const server = createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x')
      const body = Buffer.concat(chunks).toString('utf8')
      let json: unknown
      try {
        json = body ? JSON.parse(body) : undefined
      } catch {
        json = undefined
      }
      const r: Received = { method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers, body, json }
      received.push(r)
      const answer = route(r)
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json' })
      res.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {}))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  const http = new HttpClient(connectionFromEnv(`http://127.0.0.1:${port}/`, { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }))
  try {
    await fn(http, received)
  } finally {
    await http.close()
    server.closeAllConnections()
    await new Promise<void>((resolve) => server.close(() => resolve()))
  }
}
