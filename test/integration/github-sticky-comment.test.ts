// The sticky PR comment, with the real Octokit (retry and throttling plugins) against the local
// GitHub server. No MLflow needed: node --import tsx --test test/integration/github-sticky-comment.test.ts
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { createGitHubClient, type GitHubClientOptions } from '../../src/github/octokit.js'
import { isPermissionDenied, MAX_COMMENT_BODY_LENGTH, upsertStickyComment } from '../../src/github/sticky-comment.js'
import {
  DEFAULT_OWNER,
  DEFAULT_REPO,
  FORK_TOKEN,
  GITHUB_TOKEN,
  startGitHubServer,
  USER_TOKEN,
  type GitHubServer,
  type GitHubServerOptions
} from '../support/github-server.js'

const MARKER = '<!-- mlflow-pr-report:churn -->'
const PR = 7
const target = { owner: DEFAULT_OWNER, repo: DEFAULT_REPO, issueNumber: PR }
const commentsPath = `/repos/${DEFAULT_OWNER}/${DEFAULT_REPO}/issues/${PR}/comments`
const oneCommentPath = new RegExp(`^/repos/${DEFAULT_OWNER}/${DEFAULT_REPO}/issues/comments/\\d+$`)

interface Logged {
  infos: string[]
  warnings: string[]
}

async function withGitHub(
  options: GitHubServerOptions,
  run: (github: GitHubServer, client: (token?: string, extra?: GitHubClientOptions) => ReturnType<typeof createGitHubClient>, log: Logged) => Promise<void>
): Promise<void> {
  const github = await startGitHubServer(options)
  const log: Logged = { infos: [], warnings: [] }
  const client = (token = GITHUB_TOKEN, extra: GitHubClientOptions = {}) =>
    createGitHubClient(token, {
      baseUrl: github.url,
      backoffUnitMs: 1,
      spaceWrites: false,
      log: { info: (m) => log.infos.push(m), warning: (m) => log.warnings.push(m) },
      ...extra
    })
  try {
    await run(github, client, log)
  } finally {
    await github.close() // rejects when a request or an answer broke GitHub's OpenAPI description
  }
}

const count = (github: GitHubServer, method: string, path: string | RegExp) =>
  github.requests.filter((r) => r.method === method && (typeof path === 'string' ? r.path === path : path.test(r.path))).length

describe('upsertStickyComment', () => {
  test('creates the comment when there is none, as the token’s own account', async () => {
    await withGitHub({}, async (github, client) => {
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\n## Report`)
      assert.equal(result.action, 'created')
      const [created, ...others] = github.commentsOn(PR)
      assert.equal(others.length, 0)
      assert.equal(created?.id, result.id)
      assert.equal(created?.body, `${MARKER}\n## Report`)
      assert.equal(created?.user.login, 'github-actions[bot]')
      assert.equal(result.url, `${new URL(github.url).origin}/${DEFAULT_OWNER}/${DEFAULT_REPO}/pull/${PR}#issuecomment-${result.id}`)
      // The identity came from GraphQL `viewer`, which answers installation tokens.
      assert.equal(count(github, 'POST', '/graphql'), 1)
      assert.equal(count(github, 'GET', '/user'), 0)
    })
  })

  test('a second call updates the same comment in place', async () => {
    await withGitHub({}, async (github, client) => {
      const github1 = client()
      const first = await upsertStickyComment(github1, target, MARKER, `${MARKER}\nfirst`)
      const second = await upsertStickyComment(github1, target, MARKER, `${MARKER}\nsecond`)
      assert.equal(second.action, 'updated')
      assert.equal(second.id, first.id)
      assert.deepEqual(github.commentsOn(PR).map((c) => c.body), [`${MARKER}\nsecond`])
      assert.equal(count(github, 'POST', commentsPath), 1)
      assert.equal(count(github, 'PATCH', oneCommentPath), 1)
      // The identity is looked up once per client.
      assert.equal(count(github, 'POST', '/graphql'), 1)
    })
  })

  test('an unchanged body is not written again', async () => {
    await withGitHub({}, async (github, client) => {
      const github1 = client()
      const first = await upsertStickyComment(github1, target, MARKER, `${MARKER}\nsame`)
      const again = await upsertStickyComment(github1, target, MARKER, `${MARKER}\nsame`)
      assert.deepEqual([again.id, again.action], [first.id, 'updated'])
      assert.equal(count(github, 'PATCH', oneCommentPath), 0)
    })
  })

  test('a comment by someone else that copies the marker is never edited', async () => {
    const copied = `${MARKER}\nLooks like the bot's report: all metrics improved!`
    await withGitHub({ comments: [{ issueNumber: PR, login: 'mallory', body: copied }] }, async (github, client) => {
      const created = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreal report`)
      assert.equal(created.action, 'created')
      const updated = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreal report, v2`)
      assert.deepEqual([updated.id, updated.action], [created.id, 'updated'])
      assert.deepEqual(
        github.commentsOn(PR).map((c) => [c.user.login, c.body]),
        [['mallory', copied], ['github-actions[bot]', `${MARKER}\nreal report, v2`]]
      )
    })
  })

  test('two markers make two comments, each updated on its own', async () => {
    const other = '<!-- mlflow-pr-report:fraud -->'
    await withGitHub({}, async (github, client) => {
      const gh = client()
      const churn = await upsertStickyComment(gh, target, MARKER, `${MARKER}\nchurn v1`)
      const fraud = await upsertStickyComment(gh, target, other, `${other}\nfraud v1`)
      assert.notEqual(churn.id, fraud.id)
      await upsertStickyComment(gh, target, other, `${other}\nfraud v2`)
      assert.deepEqual(github.commentsOn(PR).map((c) => c.body), [`${MARKER}\nchurn v1`, `${other}\nfraud v2`])
    })
  })

  test('finds our comment on page 3 of 250 comments', async () => {
    await withGitHub({}, async (github, client) => {
      for (let i = 0; i < 250; i++) {
        const ours = i === 230
        github.addComment({ issueNumber: PR, login: ours ? 'github-actions[bot]' : `user${i % 7}`, body: ours ? `${MARKER}\nold` : `comment ${i}` })
      }
      const oursId = github.comments[230]?.id
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nnew`)
      assert.deepEqual([result.id, result.action], [oursId, 'updated'])
      assert.equal(count(github, 'POST', commentsPath), 0)
      const pages = github.requests.filter((r) => r.method === 'GET' && r.path === commentsPath).map((r) => [r.query['page'] ?? '1', r.query['per_page']])
      assert.deepEqual(pages, [['1', '100'], ['2', '100'], ['3', '100']])
      assert.equal(github.comments.length, 250)
    })
  })

  test('when a past race left several of ours, the newest is updated and the rest left alone', async () => {
    await withGitHub({}, async (github, client) => {
      const older = github.addComment({ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nrace A` })
      const newer = github.addComment({ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nrace B` })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nnow`)
      assert.equal(result.id, newer.id)
      assert.equal(older.body, `${MARKER}\nrace A`)
      assert.equal(newer.body, `${MARKER}\nnow`)
    })
  })

  test('a body without the marker line gets it first, so the next run finds it', async () => {
    await withGitHub({}, async (github, client) => {
      const gh = client()
      const first = await upsertStickyComment(gh, target, MARKER, '## Report')
      assert.equal(github.commentsOn(PR)[0]?.body, `${MARKER}\n## Report`)
      const second = await upsertStickyComment(gh, target, MARKER, '## Report 2')
      assert.equal(second.id, first.id)
    })
  })

  test('a body over 65,536 characters is refused before anything is sent', async () => {
    await withGitHub({}, async (github, client) => {
      const body = `${MARKER}\n${'x'.repeat(MAX_COMMENT_BODY_LENGTH)}`
      await assert.rejects(upsertStickyComment(client(), target, MARKER, body), RangeError)
      assert.equal(github.requests.length, 0)
    })
  })
})

describe('a fork PR’s read-only token', () => {
  test('creating answers an error that isPermissionDenied recognises', async () => {
    await withGitHub({}, async (github, client) => {
      const failure = await upsertStickyComment(client(FORK_TOKEN), target, MARKER, `${MARKER}\nreport`).then(
        () => assert.fail('expected a 403'),
        (error: unknown) => error
      )
      assert.equal((failure as { status?: number }).status, 403)
      assert.match(String((failure as Error).message), /Resource not accessible by integration/)
      assert.equal(isPermissionDenied(failure), true)
      assert.equal(github.commentsOn(PR).length, 0)
      // A 403 is not retried.
      assert.equal(count(github, 'POST', commentsPath), 1)
    })
  })

  test('updating answers an error that isPermissionDenied recognises', async () => {
    await withGitHub({ comments: [{ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nold` }] }, async (github, client) => {
      const failure = await upsertStickyComment(client(FORK_TOKEN), target, MARKER, `${MARKER}\nnew`).catch((error: unknown) => error)
      assert.equal(isPermissionDenied(failure), true)
      assert.equal(github.commentsOn(PR)[0]?.body, `${MARKER}\nold`)
    })
  })
})

describe('retries', () => {
  test('a 502 on a read is retried by the retry plugin', async () => {
    await withGitHub({}, async (github, client) => {
      github.fail({ method: 'GET', path: commentsPath, status: 502 })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`)
      assert.equal(result.action, 'created')
      assert.deepEqual(
        github.requests.filter((r) => r.path === commentsPath).map((r) => [r.method, r.status]),
        [['GET', 502], ['GET', 200], ['POST', 201]]
      )
    })
  })

  test('a 502 on an update is retried by the retry plugin', async () => {
    await withGitHub({ comments: [{ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nold` }] }, async (github, client) => {
      github.fail({ method: 'PATCH', path: oneCommentPath, status: 502 })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nnew`)
      assert.equal(result.action, 'updated')
      assert.equal(count(github, 'PATCH', oneCommentPath), 2)
      assert.equal(github.commentsOn(PR)[0]?.body, `${MARKER}\nnew`)
    })
  })

  test('a 422 is not retried', async () => {
    await withGitHub({ comments: [{ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nold` }] }, async (github, client) => {
      github.fail({ method: 'PATCH', path: oneCommentPath, status: 422, times: 5, body: { message: 'Validation Failed', documentation_url: 'https://docs.github.com/rest' } })
      const failure = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nnew`).catch((error: unknown) => error)
      assert.equal((failure as { status?: number }).status, 422)
      assert.equal(isPermissionDenied(failure), false)
      assert.equal(count(github, 'PATCH', oneCommentPath), 1)
    })
  })

  test('a 422 on create is not retried either', async () => {
    await withGitHub({}, async (github, client) => {
      github.fail({ method: 'POST', path: commentsPath, status: 422, times: 5 })
      await assert.rejects(upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`), { status: 422 })
      assert.equal(count(github, 'POST', commentsPath), 1)
    })
  })

  test('a 502 on create: the comments are listed again, then the comment is created once', async () => {
    await withGitHub({}, async (github, client) => {
      github.fail({ method: 'POST', path: commentsPath, status: 502 })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`)
      assert.equal(result.action, 'created')
      assert.deepEqual(
        github.requests.filter((r) => r.path === commentsPath).map((r) => [r.method, r.status]),
        [['GET', 200], ['POST', 502], ['GET', 200], ['POST', 201]]
      )
      assert.equal(github.commentsOn(PR).length, 1)
    })
  })

  test('a create that landed but whose answer was lost is not made twice', async () => {
    await withGitHub({}, async (github, client) => {
      github.fail({ method: 'POST', path: commentsPath, apply: true, dropConnection: true })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`)
      const [only, ...rest] = github.commentsOn(PR)
      assert.equal(rest.length, 0)
      assert.deepEqual([result.id, result.action], [only?.id, 'created'])
      assert.equal(count(github, 'POST', commentsPath), 1)
      assert.equal(count(github, 'PATCH', oneCommentPath), 0)
    })
  })

  test('a create that keeps failing gives up after three attempts', async () => {
    await withGitHub({}, async (github, client) => {
      github.fail({ method: 'POST', path: commentsPath, status: 503, times: 10 })
      await assert.rejects(upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`), { status: 503 })
      assert.equal(count(github, 'POST', commentsPath), 3)
      assert.equal(github.commentsOn(PR).length, 0)
    })
  })

  const secondaryRateLimit = {
    method: 'GET',
    path: commentsPath,
    status: 429,
    headers: { 'retry-after': '1' },
    body: { message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.', documentation_url: 'https://docs.github.com/rest' }
  }

  test('a secondary rate limit is waited out twice by the throttling plugin', async () => {
    await withGitHub({}, async (github, client, log) => {
      github.fail({ ...secondaryRateLimit, times: 2 })
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`)
      assert.equal(result.action, 'created')
      assert.deepEqual(github.requests.filter((r) => r.method === 'GET' && r.path === commentsPath).map((r) => r.status), [429, 429, 200])
      assert.equal(log.infos.filter((m) => /secondary rate limit/.test(m)).length, 2)
    })
  })

  test('a third secondary rate limit in a row is given up on', async () => {
    await withGitHub({}, async (github, client, log) => {
      github.fail({ ...secondaryRateLimit, times: 5 })
      await assert.rejects(upsertStickyComment(client(), target, MARKER, `${MARKER}\nreport`), { status: 429 })
      assert.equal(count(github, 'GET', commentsPath), 3)
      assert.equal(log.warnings.filter((m) => /giving up/.test(m)).length, 1)
    })
  })
})

describe('who "we" are', () => {
  test('without GraphQL, a personal access token is known from GET /user', async () => {
    const seeded = [
      { issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nbot's` },
      { issueNumber: PR, login: 'octocat', body: `${MARKER}\noctocat's` }
    ]
    await withGitHub({ graphql: false, comments: seeded }, async (github, client) => {
      const result = await upsertStickyComment(client(USER_TOKEN), target, MARKER, `${MARKER}\nnew`)
      assert.equal(result.id, github.comments[1]?.id)
      assert.deepEqual(github.commentsOn(PR).map((c) => c.body), [`${MARKER}\nbot's`, `${MARKER}\nnew`])
      assert.equal(count(github, 'GET', '/user'), 1)
    })
  })

  test('with neither GraphQL nor GET /user, the default token’s bot is assumed, with a warning', async () => {
    await withGitHub({ graphql: false, comments: [{ issueNumber: PR, login: 'github-actions[bot]', body: `${MARKER}\nold` }] }, async (github, client, log) => {
      const result = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nnew`)
      assert.deepEqual([result.id, result.action], [github.comments[0]?.id, 'updated'])
      assert.equal(github.requests.find((r) => r.path === '/user')?.status, 403)
      assert.equal(log.warnings.filter((m) => m.includes('assuming github-actions[bot]')).length, 1)
    })
  })
})

describe('where the API is', () => {
  test('GitHub Enterprise Server: REST under /api/v3, GraphQL at /api/graphql', async () => {
    await withGitHub({ pathPrefix: '/api/v3' }, async (github, client) => {
      assert.match(github.url, /\/api\/v3$/)
      const first = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nv1`)
      const second = await upsertStickyComment(client(), target, MARKER, `${MARKER}\nv2`)
      assert.deepEqual([second.id, second.action], [first.id, 'updated'])
      assert.equal(count(github, 'POST', '/graphql'), 2)
    })
  })

  test('GITHUB_API_URL is read when the client is made, not when @actions/github was imported', async () => {
    await withGitHub({}, async (github) => {
      const saved = process.env['GITHUB_API_URL']
      process.env['GITHUB_API_URL'] = github.url
      try {
        const gh = createGitHubClient(GITHUB_TOKEN, { backoffUnitMs: 1, spaceWrites: false })
        const result = await upsertStickyComment(gh, target, MARKER, `${MARKER}\nreport`)
        assert.equal(result.action, 'created')
        assert.equal(github.commentsOn(PR).length, 1)
      } finally {
        if (saved === undefined) delete process.env['GITHUB_API_URL']
        else process.env['GITHUB_API_URL'] = saved
      }
    })
  })
})
