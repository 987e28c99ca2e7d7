// The one GitHub client of the project: @actions/github's Octokit (REST endpoint methods and
// pagination) plus retries for transient failures and GitHub's rate-limit etiquette.
import { getOctokit } from '@actions/github'
import { defaults as actionsDefaults } from '@actions/github/lib/utils'
import { retry } from '@octokit/plugin-retry'
import { throttling, type ThrottlingOptions } from '@octokit/plugin-throttling'
import { EnvHttpProxyAgent, fetch as undiciFetch } from 'undici'

export interface GitHubLog {
  warning(message: string): void
  info(message: string): void
}

export interface GitHubClientOptions {
  /** REST API root; defaults to `GITHUB_API_URL` read now, else https://api.github.com. */
  baseUrl?: string
  log?: GitHubLog
  /**
   * Milliseconds per second of the back-off the plugins compute (a 5xx is retried after 1, 4, 9
   * "seconds"; a rate limit after its `retry-after`). 1000 in production; tests make it small.
   */
  backoffUnitMs?: number
  /**
   * Space writes as GitHub asks integrators to (the throttling plugin waits 1 s between writes and
   * 3 s between writes that notify people, such as a new comment). Tests turn it off for speed.
   */
  spaceWrites?: boolean
}

/** Status codes that retrying cannot fix; 429 is left to the throttling plugin. */
export const DO_NOT_RETRY = [400, 401, 403, 404, 410, 422, 429, 451]
/** Retries after a (secondary) rate limit before giving up. */
export const RATE_LIMIT_RETRIES = 2
/** A rate limit that resets later than this is not waited for: the job would sit idle. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 120

export type GitHubClient = ReturnType<typeof createGitHubClient>

const silentLog: GitHubLog = { info: () => {}, warning: (message) => console.warn(message) }

// The throttling plugin's write limiters, replaced with one that runs the job at once. Its
// limiter groups are module-wide Bottleneck groups; only `key(id).schedule(options, fn)` is used.
type LimiterGroup = NonNullable<Extract<ThrottlingOptions, { onRateLimit: unknown }>['write']>
const immediateLimiter = {
  key: () => ({ schedule: (_options: unknown, job: () => Promise<unknown>) => job() })
} as unknown as LimiterGroup

export function createGitHubClient(token: string, options: GitHubClientOptions = {}) {
  // @actions/github reads GITHUB_API_URL once, when it is imported (its `defaults`); reading it
  // here, at call time, and passing it explicitly lets a test or a CLI point at another server.
  const baseUrl = (options.baseUrl || process.env['GITHUB_API_URL'] || 'https://api.github.com').replace(/\/+$/, '')
  const log = options.log ?? silentLog
  const backoffUnitMs = options.backoffUnitMs ?? 1000

  const onLimit = (kind: string) => (retryAfter: number, request: { method: string; url: string }, _octokit: unknown, retryCount: number) => {
    const what = `GitHub ${kind} rate limit on ${request.method} ${request.url}`
    if (retryCount < RATE_LIMIT_RETRIES && retryAfter <= MAX_RATE_LIMIT_WAIT_SECONDS) {
      log.info(`${what}; retrying in ${retryAfter} s (retry ${retryCount + 1} of ${RATE_LIMIT_RETRIES}).`)
      return true
    }
    log.warning(`${what}; giving up (retry-after ${retryAfter} s, ${retryCount} retries done).`)
    return false
  }

  const fetch = proxyAwareFetchFor(baseUrl)
  return getOctokit(
    token,
    {
      baseUrl,
      ...(fetch ? { request: { ...actionsDefaults.request, fetch } } : {}),
      log: {
        debug: () => {},
        info: (message: string) => log.info(message),
        warn: (message: string) => log.warning(message),
        error: (message: string) => log.warning(message)
      },
      retry: { doNotRetry: DO_NOT_RETRY, retryAfterBaseValue: backoffUnitMs },
      throttle: {
        id: 'mlflow-pr-report',
        onRateLimit: onLimit('primary'),
        onSecondaryRateLimit: onLimit('secondary'),
        retryAfterBaseValue: backoffUnitMs,
        ...(options.spaceWrites === false ? { write: immediateLimiter, notifications: immediateLimiter } : {})
      }
    },
    retry,
    throttling
  )
}

// @actions/github binds its proxy-aware fetch to the URL it saw at import time. For that URL (the
// normal case in a workflow) keep it; for another URL behind a proxy, decide again for that URL.
function proxyAwareFetchFor(baseUrl: string): typeof globalThis.fetch | undefined {
  if (baseUrl === actionsDefaults.baseUrl) return undefined
  const proxyVariables = ['https_proxy', 'HTTPS_PROXY', 'http_proxy', 'HTTP_PROXY']
  if (!proxyVariables.some((name) => process.env[name])) return undefined
  const dispatcher = new EnvHttpProxyAgent()
  return ((url: string, init: object) => undiciFetch(url, { ...init, dispatcher })) as unknown as typeof globalThis.fetch
}
