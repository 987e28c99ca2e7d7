import { Agent, request, type Dispatcher } from 'undici'
import type { Readable } from 'node:stream'
import type { RetryPolicy, ServerConnection } from './credentials.js'

/** An error answered by MLflow (or by the network on the way to it). Never carries credentials. */
export class MlflowApiError extends Error {
  constructor(
    readonly endpoint: string,
    readonly status: number | undefined,
    readonly errorCode: string | undefined,
    detail: string,
  ) {
    const code = errorCode ? `${errorCode}: ` : ''
    super(`MLflow ${endpoint} failed${status ? ` (HTTP ${status})` : ''}: ${code}${detail}`)
    this.name = 'MlflowApiError'
  }
}

// MLflow's own client retries these for every method (mlflow/utils/request_utils.py).
const RETRYABLE_STATUS = new Set([408, 429, 500, 502, 503, 504])

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  /** Path below the server's base URL, starting with `/`. */
  path: string
  query?: Record<string, string | number | undefined>
  json?: unknown
  /** A fresh body for each attempt, so a retried upload re-reads its file. */
  stream?: () => { body: Readable; length: number }
  /** False for a create that is not idempotent: see `createOnce`. */
  retry?: boolean
}

/** Whether an error is one MLflow's client retries: a status it names, or no answer at all. */
export const isRetryable = (error: unknown): boolean =>
  error instanceof MlflowApiError && (error.status === undefined || RETRYABLE_STATUS.has(error.status))

type Sleep = (ms: number) => Promise<void>

export class HttpClient {
  private readonly dispatcher: Dispatcher
  private readonly retry: RetryPolicy

  constructor(
    private readonly connection: ServerConnection,
    private readonly sleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  ) {
    this.retry = connection.retry
    this.dispatcher = new Agent({
      connect: {
        rejectUnauthorized: !connection.insecureTls,
        ...(connection.caCertificate ? { ca: connection.caCertificate } : {}),
      },
      headersTimeout: connection.timeoutMs,
      bodyTimeout: connection.timeoutMs,
    })
  }

  get baseUrl(): string {
    return this.connection.baseUrl
  }

  async json<T>(req: HttpRequest): Promise<T> {
    const text = await this.send(req)
    if (text.trim() === '') return {} as T
    try {
      return JSON.parse(text) as T
    } catch {
      throw new MlflowApiError(req.path, 200, undefined, `answered something that is not JSON: ${preview(text)}`)
    }
  }

  async send(req: HttpRequest): Promise<string> {
    const url = new URL(this.connection.baseUrl + req.path)
    for (const [key, value] of Object.entries(req.query ?? {})) {
      if (value !== undefined) url.searchParams.append(key, String(value))
    }
    for (let attempt = 0; ; attempt++) {
      let retryAfterSeconds: number | undefined
      let failure: MlflowApiError
      try {
        const headers: Record<string, string> = { 'user-agent': 'mlflow-pr-report' }
        if (this.connection.authorization) headers.authorization = this.connection.authorization
        let body: string | Readable | undefined
        if (req.json !== undefined) {
          headers['content-type'] = 'application/json'
          body = JSON.stringify(req.json)
        } else if (req.stream) {
          const stream = req.stream()
          headers['content-type'] = 'application/octet-stream'
          headers['content-length'] = String(stream.length)
          body = stream.body
        }
        const response = await request(url, {
          method: req.method,
          headers,
          body,
          // The timeout is an idle one (headersTimeout, bodyTimeout), as requests' read timeout is in
          // MLflow's client: a long upload that keeps moving is never cut.
          dispatcher: this.dispatcher,
        })
        const text = await response.body.text()
        if (response.statusCode < 300) return text
        failure = errorFromResponse(req.path, response.statusCode, text)
        if (!RETRYABLE_STATUS.has(response.statusCode)) throw failure
        retryAfterSeconds = parseRetryAfter(response.headers['retry-after'])
      } catch (error) {
        if (error instanceof MlflowApiError && !RETRYABLE_STATUS.has(error.status ?? 0)) throw error
        failure =
          error instanceof MlflowApiError
            ? error
            : new MlflowApiError(req.path, undefined, undefined, networkMessage(error, this.connection.baseUrl))
      }
      if (req.retry === false || attempt >= this.retry.maxRetries) throw failure
      await this.sleep(this.backoffMs(attempt, retryAfterSeconds))
    }
  }

  /**
   * A create that MLflow does not make idempotent (create-run, create-model-version): a request
   * whose answer was lost may have landed, so before trying again look for what it made.
   */
  async createOnce<T>(create: () => Promise<T>, findLanded: () => Promise<T | undefined>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await create()
      } catch (error) {
        if (!isRetryable(error) || attempt >= this.retry.maxRetries) throw error
        await this.sleep(this.backoffMs(attempt))
        const landed = await findLanded()
        if (landed) return landed
      }
    }
  }

  /** urllib3's backoff as MLflow configures it: factor × 2^attempt, capped, plus jitter; Retry-After wins. */
  backoffMs(attempt: number, retryAfterSeconds?: number): number {
    if (retryAfterSeconds !== undefined) return Math.min(retryAfterSeconds, this.retry.maxBackoffSeconds) * 1000
    const base = Math.min(this.retry.backoffFactor * 2 ** attempt, this.retry.maxBackoffSeconds)
    return (base + Math.random() * this.retry.backoffJitter) * 1000
  }

  async close(): Promise<void> {
    await this.dispatcher.close()
  }
}

function parseRetryAfter(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header
  if (!value) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds) && seconds >= 0) return seconds
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, (date - Date.now()) / 1000)
}

function errorFromResponse(endpoint: string, status: number, text: string): MlflowApiError {
  try {
    const parsed = JSON.parse(text) as { error_code?: unknown; message?: unknown }
    if (typeof parsed.message === 'string' || typeof parsed.error_code === 'string') {
      return new MlflowApiError(
        endpoint,
        status,
        typeof parsed.error_code === 'string' ? parsed.error_code : undefined,
        typeof parsed.message === 'string' ? parsed.message : '',
      )
    }
  } catch {
    // not MLflow's JSON error shape: a proxy, a load balancer, or MLflow's host check
  }
  let detail = preview(text) || 'no body'
  if (status === 403 && /invalid host header/i.test(text)) {
    detail += ' (MLflow ≥ 3.5 refuses unknown Host headers: start the server with --allowed-hosts naming this host)'
  }
  if (status === 401) detail += ' (check MLFLOW_TRACKING_USERNAME/PASSWORD or MLFLOW_TRACKING_TOKEN)'
  return new MlflowApiError(endpoint, status, undefined, detail)
}

function networkMessage(error: unknown, baseUrl: string): string {
  const e = error as { code?: string; cause?: { code?: string }; name?: string; message?: string }
  const code = e.code ?? e.cause?.code
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer from ${baseUrl} in time`
  return `cannot reach ${baseUrl}${code ? ` (${code})` : ''}`
}

function preview(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim()
  return oneLine.length > 300 ? `${oneLine.slice(0, 300)}…` : oneLine
}
