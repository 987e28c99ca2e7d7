import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { isPermissionDenied } from '../../../src/github/permissions.js'

// Shaped like @octokit/request-error's RequestError, which is what Octokit throws.
const httpError = (status: number, method: string, message: string, headers: Record<string, string> = {}) =>
  Object.assign(new Error(message), {
    name: 'HttpError',
    status,
    request: { method, url: 'https://api.github.com/repos/o/r/issues/1/comments', headers: {} },
    response: { status, url: '', headers: { 'x-ratelimit-remaining': '4999', ...headers }, data: { message } }
  })

describe('isPermissionDenied', () => {
  test('a fork PR token writing: 403 "Resource not accessible by integration"', () => {
    assert.equal(isPermissionDenied(httpError(403, 'POST', 'Resource not accessible by integration')), true)
    assert.equal(isPermissionDenied(httpError(403, 'PATCH', 'Resource not accessible by personal access token')), true)
  })

  test('a 404 to a write is a hidden repository; a 404 to a read is not a permission answer', () => {
    assert.equal(isPermissionDenied(httpError(404, 'POST', 'Not Found')), true)
    assert.equal(isPermissionDenied(httpError(404, 'GET', 'Not Found')), false)
  })

  test('a 403 that is a rate limit is not a permission problem', () => {
    assert.equal(isPermissionDenied(httpError(403, 'POST', 'You have exceeded a secondary rate limit.')), false)
    assert.equal(isPermissionDenied(httpError(403, 'GET', 'API rate limit exceeded for installation.', { 'x-ratelimit-remaining': '0' })), false)
  })

  test('other failures are not permission problems', () => {
    assert.equal(isPermissionDenied(httpError(401, 'POST', 'Bad credentials')), false)
    assert.equal(isPermissionDenied(httpError(422, 'POST', 'Validation Failed')), false)
    assert.equal(isPermissionDenied(httpError(500, 'POST', 'fetch failed')), false)
    assert.equal(isPermissionDenied(new Error('boom')), false)
    assert.equal(isPermissionDenied(undefined), false)
    assert.equal(isPermissionDenied('Resource not accessible by integration'), false)
  })

  test('a wrapped error is looked through', () => {
    const wrapped = new Error('Could not post the PR comment', { cause: httpError(403, 'POST', 'Resource not accessible by integration') })
    assert.equal(isPermissionDenied(wrapped), true)
  })
})
