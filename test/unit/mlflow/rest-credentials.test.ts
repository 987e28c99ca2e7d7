import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { connectionFromEnv } from '../../../src/mlflow/rest/credentials.js'

const basic = (user: string, pass: string) => `Basic ${Buffer.from(`${user}:${pass}`).toString('base64')}`

describe('connectionFromEnv', () => {
  test('MLflow\'s defaults: 7 retries, factor 2, jitter 1 s, 120 s timeout, TLS verified, no auth', () => {
    const c = connectionFromEnv('http://mlflow:5000/', {})
    assert.deepEqual(c, {
      baseUrl: 'http://mlflow:5000',
      authorization: undefined,
      secrets: [],
      insecureTls: false,
      caCertificate: undefined,
      retry: { maxRetries: 7, backoffFactor: 2, backoffJitter: 1, maxBackoffSeconds: 120 },
      timeoutMs: 120_000,
    })
  })

  test('a path prefix is kept, trailing slashes dropped', () => {
    assert.equal(connectionFromEnv('https://example.com/mlflow///', {}).baseUrl, 'https://example.com/mlflow')
  })

  test('user:password in the URL becomes Basic auth and leaves the base URL', () => {
    const c = connectionFromEnv('https://alice:p%40ss@mlflow.example.com/', {})
    assert.equal(c.baseUrl, 'https://mlflow.example.com')
    assert.equal(c.authorization, basic('alice', 'p@ss'))
    assert.ok(!c.baseUrl.includes('alice') && !c.baseUrl.includes('p%40ss'))
    assert.ok(c.secrets.includes('p@ss'))
    assert.ok(c.secrets.includes(Buffer.from('alice:p@ss').toString('base64')))
  })

  test('MLFLOW_TRACKING_USERNAME/PASSWORD → Basic, winning over a token', () => {
    const c = connectionFromEnv('http://h', { MLFLOW_TRACKING_USERNAME: 'bob', MLFLOW_TRACKING_PASSWORD: 'pw', MLFLOW_TRACKING_TOKEN: 'tok' })
    assert.equal(c.authorization, basic('bob', 'pw'))
    assert.ok(c.secrets.includes('pw'))
  })

  test('MLFLOW_TRACKING_TOKEN → Bearer, masked', () => {
    const c = connectionFromEnv('http://h', { MLFLOW_TRACKING_TOKEN: 'dapi-123' })
    assert.equal(c.authorization, 'Bearer dapi-123')
    assert.deepEqual(c.secrets, ['dapi-123'])
  })

  test('a username without a password sends no Basic auth', () => {
    assert.equal(connectionFromEnv('http://h', { MLFLOW_TRACKING_USERNAME: 'bob' }).authorization, undefined)
  })

  test('MLFLOW_HTTP_REQUEST_MAX_RETRIES is capped at 10; other settings are read', () => {
    const c = connectionFromEnv('http://h', {
      MLFLOW_HTTP_REQUEST_MAX_RETRIES: '50',
      MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.5',
      MLFLOW_HTTP_REQUEST_BACKOFF_JITTER: '0',
      MLFLOW_HTTP_REQUEST_TIMEOUT: '3',
      MLFLOW_TRACKING_INSECURE_TLS: 'True',
    })
    assert.deepEqual(c.retry, { maxRetries: 10, backoffFactor: 0.5, backoffJitter: 0, maxBackoffSeconds: 120 })
    assert.equal(c.timeoutMs, 3000)
    assert.equal(c.insecureTls, true)
    assert.equal(connectionFromEnv('http://h', { MLFLOW_HTTP_REQUEST_MAX_RETRIES: '0' }).retry.maxRetries, 0)
    assert.equal(connectionFromEnv('http://h', { MLFLOW_TRACKING_INSECURE_TLS: 'false' }).insecureTls, false)
  })

  test('a bad number is refused, naming the variable', () => {
    assert.throws(() => connectionFromEnv('http://h', { MLFLOW_HTTP_REQUEST_MAX_RETRIES: 'many' }), /MLFLOW_HTTP_REQUEST_MAX_RETRIES must be a non-negative number, got "many"/)
    assert.throws(() => connectionFromEnv('http://h', { MLFLOW_HTTP_REQUEST_TIMEOUT: '-1' }), /MLFLOW_HTTP_REQUEST_TIMEOUT/)
  })

  test('MLFLOW_TRACKING_SERVER_CERT_PATH is read as the CA bundle', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cert-'))
    try {
      writeFileSync(join(dir, 'ca.pem'), '-----BEGIN CERTIFICATE-----\n')
      assert.equal(connectionFromEnv('https://h', { MLFLOW_TRACKING_SERVER_CERT_PATH: join(dir, 'ca.pem') }).caCertificate, '-----BEGIN CERTIFICATE-----\n')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
