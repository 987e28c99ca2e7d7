// One comment per PR and marker, edited in place on every push (SPEC section 7).
import { isSameAccount, resolveOwnLogin } from './identity.js'
import type { GitHubClient } from './octokit.js'

export { isPermissionDenied } from './permissions.js'

export interface StickyCommentTarget {
  owner: string
  repo: string
  issueNumber: number
}

export interface StickyCommentResult {
  id: number
  url: string
  action: 'created' | 'updated'
}

/** GitHub rejects a longer comment body with 422. */
export const MAX_COMMENT_BODY_LENGTH = 65_536

/** Attempts at creating the comment when the POST fails in a way that may have landed. */
const CREATE_ATTEMPTS = 3

export interface ListedComment {
  id: number
  body?: string | null
  html_url: string
  created_at: string
  user: { login: string; type?: string } | null
}

/**
 * Creates the comment, or updates ours in place. Ours = a comment whose body has `marker` as one
 * of its lines and whose author is the token's own account, so a comment by someone else that
 * copies the marker is never edited. When several of ours carry the marker (two jobs raced), the
 * newest is updated and the rest are left alone.
 *
 * `marker` is a single line, typically `<!-- mlflow-pr-report:<key> -->`; if `body` lacks it as a
 * line of its own, it is put first. The caller trims the body to GitHub's limit; a longer one is
 * a bug and throws a RangeError before anything is sent.
 */
export async function upsertStickyComment(
  client: GitHubClient,
  target: StickyCommentTarget,
  marker: string,
  body: string
): Promise<StickyCommentResult> {
  const fullBody = withMarker(marker, body)
  if (fullBody.length > MAX_COMMENT_BODY_LENGTH) {
    throw new RangeError(
      `The comment body is ${fullBody.length} characters; GitHub accepts at most ${MAX_COMMENT_BODY_LENGTH}.`
    )
  }
  const ownLogin = await resolveOwnLogin(client)

  for (let attempt = 1; ; attempt++) {
    // Listed again before every attempt at creating: a POST whose answer was lost may have landed.
    const ours = findOurComment(await listComments(client, target), ownLogin, marker)
    if (ours) {
      // Same text: nothing to write. After a failed attempt, that is the comment we just created.
      if (ours.body === fullBody) return { id: ours.id, url: ours.html_url, action: attempt > 1 ? 'created' : 'updated' }
      const { data } = await client.rest.issues.updateComment({
        owner: target.owner,
        repo: target.repo,
        comment_id: ours.id,
        body: fullBody
      })
      return { id: data.id, url: data.html_url, action: 'updated' }
    }
    try {
      const { data } = await client.rest.issues.createComment({
        owner: target.owner,
        repo: target.repo,
        issue_number: target.issueNumber,
        body: fullBody,
        // Not blindly retried by the retry plugin: this loop re-lists first.
        request: { retries: 0 }
      })
      return { id: data.id, url: data.html_url, action: 'created' }
    } catch (error) {
      if (attempt >= CREATE_ATTEMPTS || !mayHaveFailedTransiently(error)) throw error
      client.log.info(`Creating the PR comment failed (${errorStatus(error)}); checking whether it landed, then trying again.`)
    }
  }
}

/** `body` with `marker` as one of its lines, put first when missing. */
export function withMarker(marker: string, body: string): string {
  const line = marker.trim()
  if (!line || /[\r\n]/.test(line)) throw new Error('The comment marker must be one non-empty line.')
  return hasMarkerLine(body, line) ? body : `${line}\n${body}`
}

export function hasMarkerLine(body: string | null | undefined, marker: string): boolean {
  if (!body) return false
  const line = marker.trim()
  return body.split(/\r?\n/).some((candidate) => candidate.trim() === line)
}

/** Our newest comment carrying the marker, if any. */
export function findOurComment<C extends ListedComment>(comments: readonly C[], ownLogin: string, marker: string): C | undefined {
  let newest: C | undefined
  for (const comment of comments) {
    if (!hasMarkerLine(comment.body, marker) || !isSameAccount(ownLogin, comment.user)) continue
    if (!newest || isNewer(comment, newest)) newest = comment
  }
  return newest
}

function isNewer(a: ListedComment, b: ListedComment): boolean {
  const byTime = Date.parse(a.created_at) - Date.parse(b.created_at)
  return byTime !== 0 ? byTime > 0 : a.id > b.id
}

function listComments(client: GitHubClient, target: StickyCommentTarget): Promise<ListedComment[]> {
  return client.paginate(client.rest.issues.listComments, {
    owner: target.owner,
    repo: target.repo,
    issue_number: target.issueNumber,
    per_page: 100
  })
}

// Octokit reports a network failure as status 500; 5xx and those may hide a POST that landed.
function mayHaveFailedTransiently(error: unknown): boolean {
  const status = errorStatus(error)
  return typeof status === 'number' && status >= 500
}

function errorStatus(error: unknown): number | undefined {
  const status = error !== null && typeof error === 'object' ? (error as { status?: unknown }).status : undefined
  return typeof status === 'number' ? status : undefined
}
