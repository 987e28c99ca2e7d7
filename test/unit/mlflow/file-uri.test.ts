import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { appendToUri, fileUriToPath, pathToFileUri } from '../../../src/mlflow/file/file-uri.js'

describe('file URIs', () => {
  test("paths become URIs as Python's pathlib.Path.as_uri() writes them", () => {
    // Expected values printed by CPython 3.11's pathlib.
    assert.equal(pathToFileUri('/tmp/mlruns'), 'file:///tmp/mlruns')
    assert.equal(pathToFileUri('/tmp/my runs/a+b@c:d~e'), 'file:///tmp/my%20runs/a%2Bb%40c%3Ad~e')
    assert.equal(pathToFileUri('/tmp/données'), 'file:///tmp/donn%C3%A9es')
  })

  test('tracking URIs and plain paths become folders', () => {
    assert.equal(fileUriToPath('file:./mlruns', '/work'), '/work/mlruns')
    assert.equal(fileUriToPath('file:mlruns', '/work'), '/work/mlruns')
    assert.equal(fileUriToPath('file:///abs/mlruns', '/work'), '/abs/mlruns')
    assert.equal(fileUriToPath('file://localhost/abs/mlruns', '/work'), '/abs/mlruns')
    assert.equal(fileUriToPath('file:///tmp/my%20runs', '/work'), '/tmp/my runs')
    assert.equal(fileUriToPath('./mlruns', '/work'), '/work/mlruns')
    assert.equal(fileUriToPath('/abs/mlruns/', '/work'), '/abs/mlruns')
  })

  test('a URI and its path round-trip', () => {
    for (const path of ['/tmp/a b/c', '/x/%41/ü', '/q?#']) assert.equal(fileUriToPath(pathToFileUri(path), '/'), path)
  })

  test('segments are appended to the path, before a query', () => {
    assert.equal(appendToUri('file:///r/0', 'abc', 'artifacts'), 'file:///r/0/abc/artifacts')
    assert.equal(appendToUri('s3://b/p/', 'abc'), 's3://b/p/abc')
    assert.equal(appendToUri('s3://b/p?x=1', 'abc'), 's3://b/p/abc?x=1')
  })
})
