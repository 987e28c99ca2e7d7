// The checker the local GitHub server uses: it must catch drift from GitHub's OpenAPI description.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { validateRequestBody, validateResponse, validateSchema } from '../../support/openapi-schema.js'

const COMMENTS = '/repos/{owner}/{repo}/issues/{issue_number}/comments'
const COMMENT = '/repos/{owner}/{repo}/issues/comments/{comment_id}'

const user = {
  login: 'github-actions[bot]', id: 41898282, node_id: 'MDM6Qm90NDE4OTgyODI=', avatar_url: 'https://avatars.githubusercontent.com/in/15368?v=4',
  gravatar_id: '', url: 'https://api.github.com/users/github-actions%5Bbot%5D', html_url: 'https://github.com/apps/github-actions',
  followers_url: 'https://api.github.com/users/github-actions%5Bbot%5D/followers', following_url: 'https://api.github.com/users/github-actions%5Bbot%5D/following{/other_user}',
  gists_url: 'https://api.github.com/users/github-actions%5Bbot%5D/gists{/gist_id}', starred_url: 'https://api.github.com/users/github-actions%5Bbot%5D/starred{/owner}{/repo}',
  subscriptions_url: 'https://api.github.com/users/github-actions%5Bbot%5D/subscriptions', organizations_url: 'https://api.github.com/users/github-actions%5Bbot%5D/orgs',
  repos_url: 'https://api.github.com/users/github-actions%5Bbot%5D/repos', events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/events{/privacy}',
  received_events_url: 'https://api.github.com/users/github-actions%5Bbot%5D/received_events', type: 'Bot', user_view_type: 'public', site_admin: false
}

const comment = {
  id: 1, node_id: 'IC_kwDOA', url: 'https://api.github.com/repos/o/r/issues/comments/1', html_url: 'https://github.com/o/r/pull/7#issuecomment-1',
  body: 'report', user, created_at: '2024-01-01T00:00:00Z', updated_at: '2024-01-01T00:00:00Z',
  issue_url: 'https://api.github.com/repos/o/r/issues/7', author_association: 'NONE', performed_via_github_app: null
}

const without = (key: string) => Object.fromEntries(Object.entries(comment).filter(([k]) => k !== key))

describe('validateResponse', () => {
  test('a GitHub-shaped comment list, single comment and created comment pass', () => {
    assert.deepEqual(validateResponse(COMMENTS, 'GET', 200, [comment]), [])
    assert.deepEqual(validateResponse(COMMENTS, 'POST', 201, comment), [])
    assert.deepEqual(validateResponse(COMMENT, 'PATCH', 200, comment), [])
    assert.deepEqual(validateResponse(COMMENT, 'GET', 200, { ...comment, user: null }), [], 'user is a nullable-simple-user')
  })

  test('a missing required property, a wrong type, a bad enum or format is caught with its path', () => {
    assert.match(validateResponse(COMMENTS, 'GET', 200, [without('node_id')]).join('\n'), /\$\[0\]: missing required property "node_id"/)
    assert.match(validateResponse(COMMENTS, 'POST', 201, { ...comment, id: '1' }).join('\n'), /\$\.id: expected integer/)
    assert.match(validateResponse(COMMENTS, 'POST', 201, { ...comment, author_association: 'BOT' }).join('\n'), /\$\.author_association/)
    assert.match(validateResponse(COMMENTS, 'POST', 201, { ...comment, created_at: 'yesterday' }).join('\n'), /not a date-time/)
    assert.match(validateResponse(COMMENTS, 'POST', 201, { ...comment, html_url: '/o/r/pull/7' }).join('\n'), /not an absolute URI/)
    assert.match(validateResponse(COMMENTS, 'POST', 201, { ...comment, user: { ...user, login: undefined } }).join('\n'), /\$\.user.login: expected string/)
    assert.match(validateResponse(COMMENTS, 'GET', 200, comment).join('\n'), /\$: expected array/)
  })

  test('GET /user picks private-user or public-user by the user_view_type discriminator', () => {
    const publicUser = { ...user, type: 'User', login: 'octocat', name: null, company: null, blog: '', location: null, email: null, hireable: null, bio: null,
      public_repos: 0, public_gists: 0, followers: 0, following: 0, created_at: '2011-01-25T18:44:36Z', updated_at: '2024-01-01T00:00:00Z' }
    assert.deepEqual(validateResponse('/user', 'GET', 200, publicUser), [])
    const privateUser = { ...publicUser, user_view_type: 'private', private_gists: 0, total_private_repos: 0, owned_private_repos: 0, disk_usage: 0, collaborators: 0 }
    assert.match(validateResponse('/user', 'GET', 200, privateUser).join('\n'), /missing required property "two_factor_authentication"/)
    assert.deepEqual(validateResponse('/user', 'GET', 200, { ...privateUser, two_factor_authentication: true }), [])
    // public-user allows no extra properties
    assert.match(validateResponse('/user', 'GET', 200, { ...publicUser, surprise: 1 }).join('\n'), /surprise: property not allowed/)
  })

  test('error answers: documented ones by their schema, others as a basic error; an undocumented success is drift', () => {
    assert.deepEqual(validateResponse('/user', 'GET', 403, { message: 'Resource not accessible by integration', documentation_url: 'https://docs.github.com/rest' }), [])
    assert.deepEqual(validateResponse(COMMENT, 'PATCH', 403, { message: 'Resource not accessible by integration' }), [])
    assert.match(validateResponse(COMMENT, 'PATCH', 403, { message: 403 }).join('\n'), /\$\.message: expected string/)
    assert.match(validateResponse(COMMENTS, 'POST', 422, { message: 'Validation Failed' }).join('\n'), /missing required property "documentation_url"/)
    assert.match(validateResponse(COMMENTS, 'POST', 200, comment).join('\n'), /does not document status 200/)
  })
})

describe('validateRequestBody', () => {
  test('create and update take { body: string }', () => {
    assert.deepEqual(validateRequestBody(COMMENTS, 'POST', { body: 'hi' }), [])
    assert.match(validateRequestBody(COMMENTS, 'POST', {}).join('\n'), /missing required property "body"/)
    assert.match(validateRequestBody(COMMENT, 'PATCH', { body: 1 }).join('\n'), /expected string/)
    assert.match(validateRequestBody(COMMENT, 'GET', { body: 'x' }).join('\n'), /takes none/)
  })
})

describe('validateSchema keywords', () => {
  const root = { paths: {}, components: { schemas: { n: { type: 'integer', nullable: true } } } }
  test('nullable, $ref, anyOf, allOf, oneOf', () => {
    assert.deepEqual(validateSchema({ $ref: '#/components/schemas/n' }, null, root), [])
    assert.match(validateSchema({ type: 'integer' }, null, root).join(), /not nullable/)
    assert.deepEqual(validateSchema({ anyOf: [{ type: 'string' }, { type: 'integer' }] }, 3, root), [])
    assert.match(validateSchema({ anyOf: [{ type: 'string' }, { type: 'boolean' }] }, 3, root).join(), /none of anyOf/)
    assert.match(validateSchema({ allOf: [{ type: 'integer' }, { enum: [1, 2] }] }, 3, root).join(), /not one of/)
    assert.match(validateSchema({ oneOf: [{ type: 'integer' }, { type: 'number' }] }, 3, root).join(), /matches 2 of oneOf/)
    assert.deepEqual(validateSchema({ oneOf: [{ type: 'integer' }, { type: 'string' }] }, 3, root), [])
  })
})
