import { readFileSync } from 'node:fs'

/** How to reach a tracking server, read from the environment as MLflow's own clients read it. */
export interface ServerConnection {
  /** Base URL without credentials and without a trailing slash. */
  baseUrl: string
  authorization?: string
  /** Every secret value, for masking. */
  secrets: string[]
  insecureTls: boolean
  caCertificate?: string
  retry: RetryPolicy
  timeoutMs: number
}

export interface RetryPolicy {
  maxRetries: number
  backoffFactor: number
  backoffJitter: number
  maxBackoffSeconds: number
}

const numberFromEnv = (env: NodeJS.ProcessEnv, name: string, fallback: number, max = Infinity): number => {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return fallback
  const value = Number(raw)
  if (!Number.isFinite(value) || value < 0) {
    throw new Error(`${name} must be a non-negative number, got "${raw}"`)
  }
  return Math.min(value, max)
}

const isTrue = (raw: string | undefined) => raw !== undefined && ['true', '1', 'yes'].includes(raw.trim().toLowerCase())

/**
 * Builds the connection for an http(s) tracking URI. Credentials embedded in the URI
 * (https://user:pass@host) are honoured like MLFLOW_TRACKING_USERNAME/PASSWORD and removed from the URL.
 */
export function connectionFromEnv(trackingUri: string, env: NodeJS.ProcessEnv = process.env): ServerConnection {
  const url = new URL(trackingUri)
  const secrets: string[] = []
  let username = env.MLFLOW_TRACKING_USERNAME || decodeURIComponent(url.username)
  let password = env.MLFLOW_TRACKING_PASSWORD || decodeURIComponent(url.password)
  url.username = ''
  url.password = ''
  const token = env.MLFLOW_TRACKING_TOKEN
  let authorization: string | undefined
  if (username && password) {
    const encoded = Buffer.from(`${username}:${password}`).toString('base64')
    authorization = `Basic ${encoded}`
    secrets.push(password, encoded)
  } else if (token) {
    authorization = `Bearer ${token}`
    secrets.push(token)
  }
  username = ''
  password = ''
  const certPath = env.MLFLOW_TRACKING_SERVER_CERT_PATH
  return {
    baseUrl: url.toString().replace(/\/+$/, ''),
    authorization,
    secrets: secrets.filter((s) => s.length > 0),
    insecureTls: isTrue(env.MLFLOW_TRACKING_INSECURE_TLS),
    caCertificate: certPath ? readFileSync(certPath, 'utf8') : undefined,
    // MLflow's defaults (mlflow/environment_variables.py): 7 retries, factor 2, jitter 1 s, 120 s timeout.
    retry: {
      maxRetries: numberFromEnv(env, 'MLFLOW_HTTP_REQUEST_MAX_RETRIES', 7, 10),
      backoffFactor: numberFromEnv(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR', 2),
      backoffJitter: numberFromEnv(env, 'MLFLOW_HTTP_REQUEST_BACKOFF_JITTER', 1),
      maxBackoffSeconds: 120,
    },
    timeoutMs: numberFromEnv(env, 'MLFLOW_HTTP_REQUEST_TIMEOUT', 120) * 1000,
  }
}
