// Tells "this token may not write here" apart from real failures, so that a fork PR (whose
// GITHUB_TOKEN is read-only) gets the job summary and a warning instead of a failed step.

interface HttpErrorLike {
  status: number
  message?: string
  request?: { method?: string }
  response?: { headers?: Record<string, string | number | undefined>; data?: unknown }
}

/**
 * True for a GitHub answer that means the token lacks the right to do what was asked:
 * - 403, e.g. "Resource not accessible by integration" (fork PR token, missing `permissions:`),
 *   "Resource not accessible by personal access token", or a locked conversation;
 * - 404 to a write: GitHub hides repositories and issues the token may not write to.
 * A 403 that is a rate limit is not a permission problem; nor is 401 (bad credentials).
 * Looks through `cause` chains, so a wrapped error is recognised too.
 */
export function isPermissionDenied(error: unknown): boolean {
  let current: unknown = error
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    if (isHttpError(current)) {
      if (current.status === 403) return !isRateLimit(current)
      if (current.status === 404) return isWrite(current.request?.method)
      return false
    }
    current = (current as { cause?: unknown }).cause
  }
  return false
}

function isHttpError(value: object): value is HttpErrorLike {
  return typeof (value as { status?: unknown }).status === 'number'
}

function isWrite(method: string | undefined): boolean {
  return method !== undefined && !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase())
}

function isRateLimit(error: HttpErrorLike): boolean {
  const headers = error.response?.headers ?? {}
  if (String(headers['x-ratelimit-remaining']) === '0') return true
  const data = error.response?.data
  const dataMessage = data !== null && typeof data === 'object' ? (data as { message?: unknown }).message : undefined
  return /rate limit/i.test(`${error.message ?? ''} ${typeof dataMessage === 'string' ? dataMessage : ''}`)
}
