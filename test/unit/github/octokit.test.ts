import assert from 'node:assert/strict'
import { afterEach, beforeEach, describe, test } from 'node:test'
import { createGitHubClient } from '../../../src/github/octokit.js'

const baseUrlOf = (client: ReturnType<typeof createGitHubClient>) => client.request.endpoint.DEFAULTS.baseUrl

describe('createGitHubClient', () => {
  let saved: string | undefined
  beforeEach(() => {
    saved = process.env['GITHUB_API_URL']
  })
  afterEach(() => {
    if (saved === undefined) delete process.env['GITHUB_API_URL']
    else process.env['GITHUB_API_URL'] = saved
  })

  test('reads GITHUB_API_URL when called, after @actions/github was imported', () => {
    process.env['GITHUB_API_URL'] = 'https://ghe.example.com/api/v3'
    assert.equal(baseUrlOf(createGitHubClient('t')), 'https://ghe.example.com/api/v3')
  })

  test('falls back to api.github.com when GITHUB_API_URL is unset or empty', () => {
    process.env['GITHUB_API_URL'] = ''
    assert.equal(baseUrlOf(createGitHubClient('t')), 'https://api.github.com')
    delete process.env['GITHUB_API_URL']
    assert.equal(baseUrlOf(createGitHubClient('t')), 'https://api.github.com')
  })

  test('an explicit baseUrl wins, without a trailing slash', () => {
    process.env['GITHUB_API_URL'] = 'https://ghe.example.com/api/v3'
    assert.equal(baseUrlOf(createGitHubClient('t', { baseUrl: 'http://127.0.0.1:1234/' })), 'http://127.0.0.1:1234')
  })
})
