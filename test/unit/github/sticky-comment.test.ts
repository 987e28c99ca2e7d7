import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { isSameAccount } from '../../../src/github/identity.js'
import { findOurComment, hasMarkerLine, withMarker, type ListedComment } from '../../../src/github/sticky-comment.js'

const MARKER = '<!-- mlflow-pr-report:churn -->'

const comment = (id: number, login: string, body: string, created_at = '2024-01-01T00:00:00Z', type = login.endsWith('[bot]') ? 'Bot' : 'User'): ListedComment => ({
  id,
  body,
  html_url: `https://github.com/o/r/pull/1#issuecomment-${id}`,
  created_at,
  user: { login, type }
})

describe('hasMarkerLine', () => {
  test('finds the marker as a line of its own, first or later, with \\n or \\r\\n', () => {
    assert.equal(hasMarkerLine(`${MARKER}\nreport`, MARKER), true)
    assert.equal(hasMarkerLine(`# Report\r\n${MARKER}\r\nmore`, MARKER), true)
    assert.equal(hasMarkerLine(`text\n  ${MARKER}  `, MARKER), true)
  })

  test('does not take another key that merely starts the same for ours', () => {
    assert.equal(hasMarkerLine('<!-- mlflow-pr-report:churn-v2 -->\nreport', MARKER), false)
    assert.equal(hasMarkerLine(`> quoted ${MARKER}`, MARKER), false)
    assert.equal(hasMarkerLine(null, MARKER), false)
    assert.equal(hasMarkerLine('', MARKER), false)
  })
})

describe('withMarker', () => {
  test('keeps a body that has the marker line', () => {
    assert.equal(withMarker(MARKER, `# Title\n${MARKER}\nx`), `# Title\n${MARKER}\nx`)
  })

  test('puts the marker first when the body lacks it', () => {
    assert.equal(withMarker(MARKER, '# Title'), `${MARKER}\n# Title`)
  })

  test('refuses an empty or multi-line marker', () => {
    assert.throws(() => withMarker('  ', 'x'), /one non-empty line/)
    assert.throws(() => withMarker('<!-- a -->\n<!-- b -->', 'x'), /one non-empty line/)
  })
})

describe('isSameAccount', () => {
  test('matches logins case-insensitively', () => {
    assert.equal(isSameAccount('OctoCat', { login: 'octocat', type: 'User' }), true)
    assert.equal(isSameAccount('github-actions[bot]', { login: 'github-actions[bot]', type: 'Bot' }), true)
  })

  test('lets a Bot author match without the [bot] suffix, but not a User of that name', () => {
    assert.equal(isSameAccount('github-actions[bot]', { login: 'github-actions', type: 'Bot' }), true)
    assert.equal(isSameAccount('github-actions[bot]', { login: 'github-actions', type: 'User' }), false)
  })

  test('a deleted author (null) or another account is not us', () => {
    assert.equal(isSameAccount('github-actions[bot]', null), false)
    assert.equal(isSameAccount('github-actions[bot]', { login: 'mallory', type: 'User' }), false)
  })
})

describe('findOurComment', () => {
  test('ignores comments by others that copy the marker and ours without it', () => {
    const comments = [comment(1, 'mallory', `${MARKER}\nfake`), comment(2, 'github-actions[bot]', 'another report'), comment(3, 'github-actions[bot]', `${MARKER}\nreal`)]
    assert.equal(findOurComment(comments, 'github-actions[bot]', MARKER)?.id, 3)
    assert.equal(findOurComment(comments.slice(0, 2), 'github-actions[bot]', MARKER), undefined)
  })

  test('picks the newest of ours by creation time, then by id', () => {
    const comments = [
      comment(10, 'github-actions[bot]', MARKER, '2024-01-01T00:00:05Z'),
      comment(5, 'github-actions[bot]', MARKER, '2024-01-01T00:00:09Z'),
      comment(7, 'github-actions[bot]', MARKER, '2024-01-01T00:00:09Z')
    ]
    assert.equal(findOurComment(comments, 'github-actions[bot]', MARKER)?.id, 7)
  })

  test('property: the answer is ours, carries the marker, and none of ours with the marker is newer', () => {
    const arbitraryComment = fc.record({
      id: fc.integer({ min: 1, max: 10_000 }),
      login: fc.constantFrom('github-actions[bot]', 'mallory', 'octocat'),
      body: fc.constantFrom(MARKER, `${MARKER}\nreport`, 'plain', '<!-- other -->'),
      second: fc.integer({ min: 0, max: 59 })
    })
    fc.assert(
      fc.property(fc.array(arbitraryComment, { maxLength: 20 }), (raw) => {
        const comments = raw.map((c) => comment(c.id, c.login, c.body, `2024-01-01T00:00:${String(c.second).padStart(2, '0')}Z`))
        const ours = comments.filter((c) => c.user?.login === 'github-actions[bot]' && hasMarkerLine(c.body, MARKER))
        const found = findOurComment(comments, 'github-actions[bot]', MARKER)
        if (ours.length === 0) return found === undefined
        if (!found || !ours.includes(found)) return false
        return ours.every((c) => c.created_at < found.created_at || (c.created_at === found.created_at && c.id <= found.id))
      })
    )
  })
})
