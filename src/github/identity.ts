// Who the token is, so that our sticky comment is told apart from someone else's copy of it.
//
// The default GITHUB_TOKEN is a GitHub App installation token: REST `GET /user` answers it with
// 403 "Resource not accessible by integration". GraphQL `viewer { login }` answers every kind of
// token: the app's bot login (`github-actions[bot]`, `<app-slug>[bot]`) for installation tokens,
// the user's login for personal access tokens. marocchino/sticky-pull-request-comment relies on
// `viewer` the same way. So: ask GraphQL first (one request for every token kind), then REST
// `GET /user` (GraphQL unavailable, e.g. a proxy that only passes /api/v3), and as a last resort
// assume the default token's bot, with a warning, since GITHUB_TOKEN is the input's default.
import type { GitHubClient } from './octokit.js'

export const DEFAULT_TOKEN_LOGIN = 'github-actions[bot]'

const resolved = new WeakMap<GitHubClient, Promise<string>>()

/** The login of the token's account, as it appears in a REST comment's `user.login`. Cached per client. */
export function resolveOwnLogin(client: GitHubClient): Promise<string> {
  let login = resolved.get(client)
  if (!login) {
    login = lookUpLogin(client)
    resolved.set(client, login)
  }
  return login
}

async function lookUpLogin(client: GitHubClient): Promise<string> {
  const failures: string[] = []
  try {
    const data = await client.graphql<{ viewer?: { login?: unknown } }>('query { viewer { login } }')
    if (typeof data.viewer?.login === 'string' && data.viewer.login) return data.viewer.login
    failures.push('GraphQL viewer: no login in the answer')
  } catch (error) {
    failures.push(`GraphQL viewer: ${describe(error)}`)
  }
  try {
    const { data } = await client.rest.users.getAuthenticated()
    if (data.login) return data.login
  } catch (error) {
    failures.push(`GET /user: ${describe(error)}`)
  }
  client.log.warn(
    `Could not tell which account the GitHub token belongs to (${failures.join('; ')}); ` +
      `assuming ${DEFAULT_TOKEN_LOGIN}, the account of the default GITHUB_TOKEN.`
  )
  return DEFAULT_TOKEN_LOGIN
}

/**
 * Same account? Logins are case-insensitive. GraphQL names a bot author without the `[bot]`
 * suffix that REST and `viewer` use, so a Bot author also matches without it.
 */
export function isSameAccount(ownLogin: string, author: { login: string; type?: string } | null | undefined): boolean {
  if (!author) return false
  const own = ownLogin.toLowerCase()
  const theirs = author.login.toLowerCase()
  if (own === theirs) return true
  const withoutBotSuffix = (login: string) => login.replace(/\[bot\]$/, '')
  return author.type === 'Bot' && withoutBotSuffix(own) === withoutBotSuffix(theirs)
}

function describe(error: unknown): string {
  if (error !== null && typeof error === 'object') {
    const status = (error as { status?: unknown }).status
    const message = (error as { message?: unknown }).message
    return [typeof status === 'number' ? String(status) : '', typeof message === 'string' ? message : ''].filter(Boolean).join(' ')
  }
  return String(error)
}
