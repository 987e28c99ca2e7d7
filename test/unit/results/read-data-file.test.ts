import assert from 'node:assert/strict'
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { after, describe, test } from 'node:test'
import type { WorkspaceFile } from '../../../src/inputs/inputs.js'
import { InputError } from '../../../src/inputs/input-error.js'
import { MAX_RESULTS_BYTES, markNonFinite, NON_FINITE, readDataFile } from '../../../src/results/read-data-file.js'

const dir = mkdtempSync(join(tmpdir(), 'read-data-file-'))
after(() => rmSync(dir, { recursive: true, force: true }))

function file(name: string, text: string): WorkspaceFile {
  const absolute = join(dir, name)
  writeFileSync(absolute, text)
  return { input: `artifacts/${name}`, absolute, relative: `artifacts/${name}`, size: statSync(absolute).size }
}

const inputError = (...patterns: RegExp[]) => (error: unknown) => {
  assert.ok(error instanceof InputError, String(error))
  for (const p of patterns) assert.match(error.message, p)
  return true
}

describe('readDataFile', () => {
  test('JSON and YAML (by extension)', () => {
    assert.deepEqual(readDataFile(file('a.json', '{"a": {"b": 1}}')), { a: { b: 1 } })
    assert.deepEqual(readDataFile(file('a.yaml', 'a:\n  b: 1\n')), { a: { b: 1 } })
    assert.deepEqual(readDataFile(file('a.YML', 'a: [1, 2]\n')), { a: [1, 2] })
  })

  test('a file that does not parse names the file and the format', () => {
    assert.throws(() => readDataFile(file('bad.json', '{"a": 1,}')), inputError(/^artifacts\/bad\.json: expected JSON, but it does not parse/))
    assert.throws(() => readDataFile(file('bad.yaml', 'a: [1\n')), inputError(/^artifacts\/bad\.yaml: expected YAML, but it does not parse/))
  })

  test('an empty JSON file does not parse; an empty YAML file is null', () => {
    assert.throws(() => readDataFile(file('empty.json', '')), inputError(/^artifacts\/empty\.json: expected JSON/))
    assert.equal(readDataFile(file('empty.yaml', '')), null)
  })

  test('Python\'s bare NaN/Infinity tokens become markers, strings left alone', () => {
    const data = readDataFile(file('nan.json', '{"a": NaN, "b": [Infinity, -Infinity], "c": "NaN and Infinity", "d": 1e-5}'))
    assert.deepEqual(data, {
      a: `${NON_FINITE}NaN`,
      b: [`${NON_FINITE}Infinity`, `${NON_FINITE}-Infinity`],
      c: 'NaN and Infinity',
      d: 1e-5,
    })
  })

  test('markNonFinite skips escaped quotes inside strings', () => {
    assert.equal(markNonFinite('{"k\\"NaN": NaN}'), `{"k\\"NaN": ${JSON.stringify(`${NON_FINITE}NaN`)}}`)
  })

  test('a file with NaN that is broken for another reason reports the parse error', () => {
    assert.throws(() => readDataFile(file('nan-bad.json', '{"a": NaN,, }')), inputError(/expected JSON, but it does not parse/))
  })

  test('YAML .nan and .inf arrive as non-finite numbers for the caller to refuse', () => {
    const data = readDataFile(file('nan.yaml', 'a: .nan\nb: -.inf\n')) as Record<string, number>
    assert.ok(Number.isNaN(data.a))
    assert.equal(data.b, -Infinity)
  })

  test('a file over the size limit is refused before it is read', () => {
    const big = file('big.json', JSON.stringify({ a: 'x'.repeat(2000) }))
    assert.throws(() => readDataFile(big, 1024), inputError(new RegExp(`^artifacts/big\\.json: the file has ${big.size} bytes, over the limit of 1024 bytes`)))
    assert.throws(() => readDataFile({ ...big, size: MAX_RESULTS_BYTES + 1 }), inputError(/the file has 52428801 bytes, over the limit of 52428800 bytes \(50\.0 MB\)/))
    assert.deepEqual(Object.keys(readDataFile(big, 1024 * 1024) as object), ['a'])
  })
})
