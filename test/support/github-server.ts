/**
 * A local GitHub API server for tests (node:http on 127.0.0.1, a free port). It answers, in
 * GitHub's REST shapes, what the action uses:
 *
 *   GET   /user                                           (403 for installation tokens, as GitHub does)
 *   GET   /repos/{owner}/{repo}/issues/{n}/comments      (per_page ≤ 100, page, since; Link headers)
 *   POST  /repos/{owner}/{repo}/issues/{n}/comments
 *   GET   /repos/{owner}/{repo}/issues/comments/{id}
 *   PATCH /repos/{owner}/{repo}/issues/comments/{id}
 *   POST  /graphql                                       (only `viewer { login }`)
 *
 * Every request body and every answer is checked against GitHub's OpenAPI description
 * (@octokit/openapi, api.github.com); a mismatch is kept in `schemaViolations` and makes `close()`
 * reject, so drift fails the test. Every issue of every repository exists.
 *
 * Use it in-process:
 *
 *   const github = await startGitHubServer({ comments: [{ issueNumber: 7, login: 'mallory', body: '<!-- key -->' }] })
 *   const client = createGitHubClient(GITHUB_TOKEN, { baseUrl: github.url })
 *   …
 *   await github.close()
 *
 * or from a spawned bundle: env `GITHUB_API_URL=<github.url>`, `INPUT_GITHUB-TOKEN=<GITHUB_TOKEN>`
 * (and `GITHUB_GRAPHQL_URL=<github.graphqlUrl>` if you set it at all).
 *
 * Options (all optional):
 *   tokens     token → account. Defaults to DEFAULT_TOKENS: GITHUB_TOKEN is `github-actions[bot]`
 *              (a Bot, installation token: GET /user answers 403); FORK_TOKEN is the same bot with
 *              a read-only token (writes answer 403 "Resource not accessible by integration", as
 *              for a PR from a fork); USER_TOKEN is `octocat`, a personal access token. A request
 *              with another token gets 401 "Bad credentials".
 *   comments   seeded comments: { owner?, repo?, issueNumber, body, login, type? } (owner/repo
 *              default to DEFAULT_OWNER / DEFAULT_REPO; the author need not have a token).
 *   pathPrefix '/api/v3' serves REST like GitHub Enterprise Server (`url` then ends in /api/v3,
 *              GraphQL is at /api/graphql); default '' like api.github.com.
 *   graphql    false answers POST /graphql with 404, like a host without GraphQL. Default true.
 *   validate   false skips the OpenAPI checks. Default true.
 *
 * The handle:
 *   url, graphqlUrl      where to point the client
 *   comments             the live comments, oldest first (ServerComment)
 *   requests             every request received, in order: method, path (without pathPrefix and
 *                        query), query, body, token, status answered, fault (true when scripted)
 *   schemaViolations     OpenAPI mismatches seen so far
 *   addComment(seed)     add a comment now (returns it)
 *   commentsOn(n, owner?, repo?)   the comments of one issue
 *   fail(fault)          script failures of the next matching requests (see Fault)
 *   close()              stop; rejects if there were schema violations
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { validateRequestBody, validateResponse } from './openapi-schema.js'

export const DEFAULT_OWNER = 'octo-org'
export const DEFAULT_REPO = 'octo-repo'

export const GITHUB_TOKEN = 'ghs_localInstallationToken0001'
export const FORK_TOKEN = 'ghs_localForkReadOnlyToken0002'
export const USER_TOKEN = 'ghp_localOctocatPersonalToken03'

export interface TokenAccount {
  login: string
  type?: 'User' | 'Bot'
  /** A GitHub App installation token (like GITHUB_TOKEN): GET /user answers 403. */
  installation?: boolean
  /** Writes answer 403 "Resource not accessible by integration" (a fork PR's token). */
  readOnly?: boolean
}

export const DEFAULT_TOKENS: Readonly<Record<string, TokenAccount>> = {
  [GITHUB_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', installation: true },
  [FORK_TOKEN]: { login: 'github-actions[bot]', type: 'Bot', installation: true, readOnly: true },
  [USER_TOKEN]: { login: 'octocat', type: 'User' }
}

export interface CommentSeed {
  owner?: string
  repo?: string
  issueNumber: number
  body: string
  login: string
  type?: 'User' | 'Bot'
}

export interface ServerComment {
  id: number
  owner: string
  repo: string
  issueNumber: number
  body: string
  user: { login: string; id: number; type: 'User' | 'Bot' }
  createdAt: string
  updatedAt: string
}

/**
 * A scripted failure for the next `times` (default 1) requests matching `method` (any if unset)
 * and `path` (the path without pathPrefix and query string; a RegExp or an exact string).
 * The answer is `status` (default 502) with `body` (default GitHub's basic error) and `headers`,
 * or, with `dropConnection`, the socket is destroyed without an answer (a network failure).
 * With `apply`, the request is carried out first (e.g. the comment is created) and only the
 * answer is lost or replaced.
 */
export interface Fault {
  method?: string
  path: string | RegExp
  times?: number
  status?: number
  body?: unknown
  headers?: Record<string, string>
  dropConnection?: boolean
  apply?: boolean
}

export interface RecordedRequest {
  method: string
  path: string
  query: Record<string, string>
  body?: unknown
  token?: string
  status?: number
  fault?: boolean
}

export interface GitHubServerOptions {
  tokens?: Record<string, TokenAccount>
  comments?: CommentSeed[]
  pathPrefix?: '' | '/api/v3'
  graphql?: boolean
  validate?: boolean
}

export interface GitHubServer {
  url: string
  graphqlUrl: string
  comments: ServerComment[]
  requests: RecordedRequest[]
  schemaViolations: string[]
  addComment(seed: CommentSeed): ServerComment
  commentsOn(issueNumber: number, owner?: string, repo?: string): ServerComment[]
  fail(fault: Fault): void
  close(): Promise<void>
}

interface Reply {
  status: number
  body?: unknown
  headers?: Record<string, string>
  /** The OpenAPI operation the reply answers, for validation. */
  operation?: { path: string; method: string }
}

const MAX_BODY_LENGTH = 65_536
const DOCS = 'https://docs.github.com/rest'
const EPOCH = Date.parse('2024-01-01T00:00:00Z')

export async function startGitHubServer(options: GitHubServerOptions = {}): Promise<GitHubServer> {
  const tokens = options.tokens ?? DEFAULT_TOKENS
  const prefix = options.pathPrefix ?? ''
  const graphqlPath = prefix === '/api/v3' ? '/api/graphql' : '/graphql'
  const validate = options.validate ?? true
  const comments: ServerComment[] = []
  const requests: RecordedRequest[] = []
  const schemaViolations: string[] = []
  const faults: Array<Fault & { remaining: number }> = []
  const accountIds = new Map<string, number>()
  let nextCommentId = 1_000_001
  let clock = 0
  let origin = ''

  const accountId = (login: string): number => {
    let id = accountIds.get(login)
    if (id === undefined) {
      id = login === 'github-actions[bot]' ? 41898282 : 500_000 + accountIds.size
      accountIds.set(login, id)
    }
    return id
  }
  const now = () => new Date(EPOCH + 1000 * clock++).toISOString().replace(/\.\d{3}Z$/, 'Z')

  const addComment = (seed: CommentSeed): ServerComment => {
    const timestamp = now()
    const comment: ServerComment = {
      id: nextCommentId++,
      owner: seed.owner ?? DEFAULT_OWNER,
      repo: seed.repo ?? DEFAULT_REPO,
      issueNumber: seed.issueNumber,
      body: seed.body,
      user: { login: seed.login, id: accountId(seed.login), type: seed.type ?? (seed.login.endsWith('[bot]') ? 'Bot' : 'User') },
      createdAt: timestamp,
      updatedAt: timestamp
    }
    comments.push(comment)
    return comment
  }
  for (const seed of options.comments ?? []) addComment(seed)

  const commentsOn = (issueNumber: number, owner = DEFAULT_OWNER, repo = DEFAULT_REPO) =>
    comments.filter((c) => c.issueNumber === issueNumber && c.owner === owner && c.repo === repo)

  const apiUrl = (path: string) => `${origin}${prefix}${path}`
  const webUrl = (path: string) => `${origin}${path}`

  const simpleUser = (user: ServerComment['user']) => {
    const api = apiUrl(`/users/${encodeURIComponent(user.login)}`)
    return {
      login: user.login,
      id: user.id,
      node_id: Buffer.from(`04:${user.type}${user.id}`).toString('base64'),
      avatar_url: `https://avatars.githubusercontent.com/u/${user.id}?v=4`,
      gravatar_id: '',
      url: api,
      html_url: user.type === 'Bot' ? webUrl(`/apps/${user.login.replace(/\[bot\]$/, '')}`) : webUrl(`/${user.login}`),
      followers_url: `${api}/followers`,
      following_url: `${api}/following{/other_user}`,
      gists_url: `${api}/gists{/gist_id}`,
      starred_url: `${api}/starred{/owner}{/repo}`,
      subscriptions_url: `${api}/subscriptions`,
      organizations_url: `${api}/orgs`,
      repos_url: `${api}/repos`,
      events_url: `${api}/events{/privacy}`,
      received_events_url: `${api}/received_events`,
      type: user.type,
      user_view_type: 'public',
      site_admin: false
    }
  }

  const restComment = (c: ServerComment) => ({
    id: c.id,
    node_id: Buffer.from(`IC_${c.id}`).toString('base64'),
    url: apiUrl(`/repos/${c.owner}/${c.repo}/issues/comments/${c.id}`),
    html_url: webUrl(`/${c.owner}/${c.repo}/pull/${c.issueNumber}#issuecomment-${c.id}`),
    body: c.body,
    user: simpleUser(c.user),
    created_at: c.createdAt,
    updated_at: c.updatedAt,
    issue_url: apiUrl(`/repos/${c.owner}/${c.repo}/issues/${c.issueNumber}`),
    author_association: c.user.type === 'Bot' ? 'NONE' : 'CONTRIBUTOR',
    performed_via_github_app: null,
    reactions: {
      url: apiUrl(`/repos/${c.owner}/${c.repo}/issues/comments/${c.id}/reactions`),
      total_count: 0, '+1': 0, '-1': 0, laugh: 0, hooray: 0, confused: 0, heart: 0, rocket: 0, eyes: 0
    }
  })

  const privateUser = (account: TokenAccount) => {
    const user = { login: account.login, id: accountId(account.login), type: account.type ?? 'User' } as const
    return {
      ...simpleUser(user),
      user_view_type: 'private',
      name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
      twitter_username: null, public_repos: 0, public_gists: 0, followers: 0, following: 0,
      created_at: '2011-01-25T18:44:36Z', updated_at: '2024-01-01T00:00:00Z',
      private_gists: 0, total_private_repos: 0, owned_private_repos: 0, disk_usage: 0,
      collaborators: 0, two_factor_authentication: true
    }
  }

  const error = (status: number, message: string, docs = DOCS): Reply => ({
    status,
    body: { message, documentation_url: docs, status: String(status) }
  })
  const notAccessible = (docs: string): Reply => error(403, 'Resource not accessible by integration', docs)

  // The routes: each answers a parsed request; `account` is the token's account.
  const route = (method: string, path: string, query: URLSearchParams, body: unknown, account: TokenAccount): Reply => {
    if (path === '/user' && method === 'GET') {
      const operation = { path: '/user', method }
      if (account.installation) {
        return { ...notAccessible('https://docs.github.com/rest/users/users#get-the-authenticated-user'), operation }
      }
      return { status: 200, body: privateUser(account), operation }
    }

    let match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(path)
    if (match) {
      const [, owner = '', repo = '', issue = ''] = match
      const operation = { path: '/repos/{owner}/{repo}/issues/{issue_number}/comments', method }
      if (method === 'GET') return { ...listComments(owner, repo, Number(issue), query), operation }
      if (method === 'POST') {
        const invalid = checkBody(operation, body)
        if (invalid) return { ...invalid, operation }
        if (account.readOnly) return { ...notAccessible('https://docs.github.com/rest/issues/comments#create-an-issue-comment'), operation }
        const created = addComment({ owner, repo, issueNumber: Number(issue), body: (body as { body: string }).body, login: account.login, type: account.type ?? 'User' })
        const data = restComment(created)
        return { status: 201, body: data, headers: { location: data.url }, operation }
      }
    }

    match = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(path)
    if (match) {
      const [, owner = '', repo = '', id = ''] = match
      const operation = { path: '/repos/{owner}/{repo}/issues/comments/{comment_id}', method }
      const comment = comments.find((c) => c.id === Number(id) && c.owner === owner && c.repo === repo)
      if (method === 'GET') {
        return comment ? { status: 200, body: restComment(comment), operation } : { ...error(404, 'Not Found'), operation }
      }
      if (method === 'PATCH') {
        const invalid = checkBody(operation, body)
        if (invalid) return { ...invalid, operation }
        if (account.readOnly) return { ...notAccessible('https://docs.github.com/rest/issues/comments#update-an-issue-comment'), operation }
        if (!comment) return { ...error(404, 'Not Found'), operation }
        // Like an installation token with `issues: write`, any comment of the repository may be
        // edited here: keeping away from other people's comments is the client's job.
        comment.body = (body as { body: string }).body
        comment.updatedAt = now()
        return { status: 200, body: restComment(comment), operation }
      }
    }
    return error(404, 'Not Found')
  }

  const checkBody = (operation: { path: string; method: string }, body: unknown): Reply | undefined => {
    const problems = validate ? validateRequestBody(operation.path, operation.method, body) : []
    if (problems.length > 0) {
      schemaViolations.push(...problems.map((p) => `request ${operation.method} ${operation.path}: ${p}`))
      return { status: 422, body: { message: 'Invalid request.', documentation_url: DOCS, status: '422' } }
    }
    const text = (body as { body?: unknown } | undefined)?.body
    if (typeof text === 'string' && text.length > MAX_BODY_LENGTH) {
      return {
        status: 422,
        body: {
          message: 'Validation Failed',
          errors: [{ resource: 'IssueComment', code: 'custom', field: 'body', message: `body is too long (maximum is ${MAX_BODY_LENGTH} characters)` }],
          documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
          status: '422'
        }
      }
    }
    return undefined
  }

  const listComments = (owner: string, repo: string, issueNumber: number, query: URLSearchParams): Reply => {
    const perPage = Math.min(100, Math.max(1, Number(query.get('per_page') ?? 30) || 30))
    const page = Math.max(1, Number(query.get('page') ?? 1) || 1)
    const since = query.get('since')
    const all = commentsOn(issueNumber, owner, repo).filter((c) => !since || c.updatedAt >= since)
    const lastPage = Math.max(1, Math.ceil(all.length / perPage))
    const pageUrl = (n: number) => {
      const params = new URLSearchParams(query)
      params.set('per_page', String(perPage))
      params.set('page', String(n))
      return `<${apiUrl(`/repos/${owner}/${repo}/issues/${issueNumber}/comments`)}?${params.toString()}>`
    }
    const links: string[] = []
    if (page > 1) links.push(`${pageUrl(page - 1)}; rel="prev"`)
    if (page < lastPage) links.push(`${pageUrl(page + 1)}; rel="next"`, `${pageUrl(lastPage)}; rel="last"`)
    if (page > 1) links.push(`${pageUrl(1)}; rel="first"`)
    return {
      status: 200,
      body: all.slice((page - 1) * perPage, page * perPage).map(restComment),
      headers: links.length > 0 ? { link: links.join(', ') } : {}
    }
  }

  const graphql = (body: unknown, account: TokenAccount): Reply => {
    const query = (body as { query?: unknown } | undefined)?.query
    if (typeof query === 'string' && /\bviewer\s*\{\s*login\s*\}/.test(query)) {
      return { status: 200, body: { data: { viewer: { login: account.login } } } }
    }
    return { status: 200, body: { errors: [{ message: 'This local server answers only `viewer { login }`.' }] } }
  }

  const takeFault = (method: string, path: string): Fault | undefined => {
    const index = faults.findIndex(
      (f) => (!f.method || f.method.toUpperCase() === method) && (typeof f.path === 'string' ? f.path === path : f.path.test(path))
    )
    const fault = faults[index]
    if (!fault) return undefined
    if (--fault.remaining <= 0) faults.splice(index, 1)
    return fault
  }

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? '/', origin)
    const method = (request.method ?? 'GET').toUpperCase()
    const isGraphql = url.pathname === graphqlPath
    const path = isGraphql ? '/graphql' : url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) || '/' : url.pathname
    const token = /^(?:token|bearer)\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]
    const text = await readBody(request)
    const record: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), ...(token ? { token } : {}) }
    requests.push(record)

    let body: unknown
    let reply: Reply
    try {
      body = text ? JSON.parse(text) : undefined
      if (body !== undefined) record.body = body
    } catch {
      return send(response, record, error(400, 'Problems parsing JSON'))
    }

    const fault = takeFault(method, path)
    if (fault && !fault.apply) return sendFault(response, record, fault)

    const account = token ? tokens[token] : undefined
    if (!token) reply = error(401, 'Requires authentication')
    else if (!account) reply = error(401, 'Bad credentials')
    else if (!isGraphql && prefix && !url.pathname.startsWith(prefix)) reply = error(404, 'Not Found')
    else if (isGraphql) reply = options.graphql === false || method !== 'POST' ? error(404, 'Not Found') : graphql(body, account)
    else reply = route(method, path, url.searchParams, body, account)

    if (fault) return sendFault(response, record, fault)
    if (validate && reply.operation) {
      const problems = validateResponse(reply.operation.path, reply.operation.method, reply.status, reply.body)
      schemaViolations.push(...problems.map((p) => `response ${reply.status} to ${method} ${path}: ${p}`))
    }
    send(response, record, reply)
  }

  const send = (response: ServerResponse, record: RecordedRequest, reply: Reply) => {
    record.status = reply.status
    const json = reply.body === undefined ? '' : JSON.stringify(reply.body)
    response.writeHead(reply.status, {
      'content-type': 'application/json; charset=utf-8',
      'x-github-api-version-selected': '2022-11-28',
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': record.path === '/graphql' ? 'graphql' : 'core',
      ...reply.headers
    })
    response.end(json)
  }

  const sendFault = (response: ServerResponse, record: RecordedRequest, fault: Fault) => {
    record.fault = true
    if (fault.dropConnection) {
      response.socket?.destroy()
      return
    }
    const status = fault.status ?? 502
    send(response, record, {
      status,
      body: fault.body ?? { message: status >= 500 ? 'Server Error' : 'Scripted failure', documentation_url: DOCS, status: String(status) },
      ...(fault.headers ? { headers: fault.headers } : {})
    })
  }

  const server = createServer((request, response) => {
    handle(request, response).catch((problem: unknown) => {
      schemaViolations.push(`server error on ${request.method} ${request.url}: ${String(problem)}`)
      if (!response.headersSent) response.writeHead(500, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ message: 'Local GitHub server error' }))
    })
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  return {
    url: `${origin}${prefix}`,
    graphqlUrl: `${origin}${graphqlPath}`,
    comments,
    requests,
    schemaViolations,
    addComment,
    commentsOn,
    fail: (fault) => {
      faults.push({ ...fault, remaining: fault.times ?? 1 })
    },
    close: async () => {
      server.closeAllConnections()
      await new Promise<void>((resolve, reject) => server.close((problem) => (problem ? reject(problem) : resolve())))
      if (validate && schemaViolations.length > 0) {
        throw new Error(`The local GitHub server saw answers or requests unlike GitHub's OpenAPI:\n${schemaViolations.join('\n')}`)
      }
    }
  }
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
    request.on('error', reject)
  })
}
