import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import { InputError } from '../../../src/inputs/input-error.js'
import { isPullRequestEvent, runContextFromEnv } from '../../../src/inputs/run-context.js'

const dir = mkdtempSync(join(tmpdir(), 'run-context-'))
after(() => rmSync(dir, { recursive: true, force: true }))

let n = 0
function eventFile(payload: unknown): string {
  const path = join(dir, `event-${n++}.json`)
  writeFileSync(path, typeof payload === 'string' ? payload : JSON.stringify(payload))
  return path
}

const prPayload = (overrides: Record<string, unknown> = {}) => ({
  action: 'synchronize',
  repository: { full_name: 'acme/churn', default_branch: 'main' },
  pull_request: {
    number: 42,
    html_url: 'https://github.com/acme/churn/pull/42',
    title: 'Tune the forest',
    merged: null,
    head: { sha: 'abcdef0123456789abcdef0123456789abcdef01', ref: 'feature/tune', repo: { full_name: 'acme/churn' } },
    base: { ref: 'main', repo: { full_name: 'acme/churn' } },
    ...overrides,
  },
})

const actionsEnv = (extra: NodeJS.ProcessEnv): NodeJS.ProcessEnv => ({
  GITHUB_REPOSITORY: 'acme/churn',
  GITHUB_RUN_ID: '9001',
  GITHUB_RUN_ATTEMPT: '2',
  GITHUB_JOB: 'train',
  GITHUB_WORKFLOW: 'CI',
  GITHUB_ACTOR: 'octocat',
  GITHUB_SERVER_URL: 'https://github.example.com/',
  ...extra,
})

describe('runContextFromEnv', () => {
  test('a pull_request: the PR head sha and head ref, not the merge commit', () => {
    const context = runContextFromEnv(
      actionsEnv({
        GITHUB_EVENT_NAME: 'pull_request',
        GITHUB_EVENT_PATH: eventFile(prPayload()),
        GITHUB_SHA: 'ffffffffffffffffffffffffffffffffffffffff',
        GITHUB_REF: 'refs/pull/42/merge',
        GITHUB_HEAD_REF: 'feature/tune',
      }),
    )
    assert.deepEqual(context, {
      eventName: 'pull_request',
      action: 'synchronize',
      repository: 'acme/churn',
      owner: 'acme',
      repo: 'churn',
      serverUrl: 'https://github.example.com',
      runId: '9001',
      runAttempt: '2',
      job: 'train',
      workflow: 'CI',
      actor: 'octocat',
      sha: 'abcdef0123456789abcdef0123456789abcdef01',
      branch: 'feature/tune',
      defaultBranch: 'main',
      pullRequest: {
        number: 42,
        url: 'https://github.com/acme/churn/pull/42',
        title: 'Tune the forest',
        merged: false,
        headSha: 'abcdef0123456789abcdef0123456789abcdef01',
        headRef: 'feature/tune',
        baseRef: 'main',
        fromFork: false,
      },
    })
    assert.equal(isPullRequestEvent(context), true)
  })

  test('a fork PR is told apart, and a merged close is seen as merged', () => {
    const context = runContextFromEnv(
      actionsEnv({
        GITHUB_EVENT_NAME: 'pull_request_target',
        GITHUB_EVENT_PATH: eventFile({
          ...prPayload({ merged: true, head: { sha: 'a'.repeat(40), ref: 'patch-1', repo: { full_name: 'someone/churn' } } }),
          action: 'closed',
        }),
      }),
    )
    assert.equal(context.pullRequest?.fromFork, true)
    assert.equal(context.pullRequest?.merged, true)
    assert.equal(context.action, 'closed')
    assert.equal(isPullRequestEvent(context), true)
  })

  test('a push: GITHUB_SHA and the branch from GITHUB_REF', () => {
    const context = runContextFromEnv(
      actionsEnv({
        GITHUB_EVENT_NAME: 'push',
        GITHUB_EVENT_PATH: eventFile({ repository: { full_name: 'acme/churn', default_branch: 'main' } }),
        GITHUB_SHA: '1234567890abcdef1234567890abcdef12345678',
        GITHUB_REF: 'refs/heads/main',
        GITHUB_HEAD_REF: '',
      }),
    )
    assert.equal(context.sha, '1234567890abcdef1234567890abcdef12345678')
    assert.equal(context.branch, 'main')
    assert.equal(context.defaultBranch, 'main')
    assert.equal(context.pullRequest, undefined)
    assert.equal(isPullRequestEvent(context), false)
  })

  test('a push event that happens to carry a pull_request key is not a PR', () => {
    const context = runContextFromEnv(actionsEnv({ GITHUB_EVENT_NAME: 'push', GITHUB_EVENT_PATH: eventFile(prPayload()), GITHUB_SHA: 'b'.repeat(40) }))
    assert.equal(context.pullRequest, undefined)
    assert.equal(context.sha, 'b'.repeat(40))
  })

  test('outside Actions (the CLI): a local context with github.com as server', () => {
    const context = runContextFromEnv({})
    assert.equal(context.eventName, 'local')
    assert.equal(context.serverUrl, 'https://github.com')
    assert.equal(context.repository, undefined)
    assert.equal(context.runId, undefined)
    assert.equal(context.pullRequest, undefined)
  })

  test('an unreadable or misshapen event payload is an InputError naming GITHUB_EVENT_PATH', () => {
    assert.throws(
      () => runContextFromEnv({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile('{not json') }),
      (e: unknown) => e instanceof InputError && e.source === 'GITHUB_EVENT_PATH' && /cannot read the event payload/.test(e.message),
    )
    assert.throws(
      () => runContextFromEnv({ GITHUB_EVENT_NAME: 'pull_request', GITHUB_EVENT_PATH: eventFile({ pull_request: { number: 'x' } }) }),
      (e: unknown) => e instanceof InputError && /not the expected shape/.test(e.message),
    )
  })
})
