import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parse } from 'yaml'
import { INPUT_DEFAULTS, INPUT_NAMES } from '../../src/inputs/input-names.js'
import { OUTPUT_NAMES } from '../../src/job-io.js'

interface ActionYml {
  name?: string
  description?: string
  inputs: Record<string, { description?: string; required?: boolean; default?: unknown }>
  outputs: Record<string, { description?: string }>
  runs: { using: string; main: string }
}

const action = parse(readFileSync(join(import.meta.dirname, '../../action.yml'), 'utf8')) as ActionYml

describe('action.yml', () => {
  test('names and describes the action', () => {
    assert.ok(action.name && action.description)
  })

  test('its inputs are exactly INPUT_DEFAULTS\' keys', () => {
    assert.deepEqual(Object.keys(action.inputs).sort(), [...INPUT_NAMES].sort())
  })

  test('each input has the same default (github-token: ${{ github.token }}), is optional and described', () => {
    for (const name of INPUT_NAMES) {
      const input = action.inputs[name]
      assert.ok(input, name)
      const expected = name === 'github-token' ? '${{ github.token }}' : INPUT_DEFAULTS[name]
      // The runner passes every default as a string: YAML must not turn `false` into a boolean.
      assert.equal(typeof input.default, 'string', `${name}'s default is a ${typeof input.default}`)
      assert.equal(input.default, expected, name)
      assert.notEqual(input.required, true, `${name} is required`)
      assert.ok(input.description && input.description.length > 10, `${name} has no description`)
    }
  })

  test('its outputs are exactly OUTPUT_NAMES, each described', () => {
    assert.deepEqual(Object.keys(action.outputs).sort(), [...OUTPUT_NAMES].sort())
    for (const name of OUTPUT_NAMES) assert.ok(action.outputs[name]?.description, name)
  })

  test('runs on node24 from the bundled dist/index.js', () => {
    assert.deepEqual(action.runs, { using: 'node24', main: 'dist/index.js' })
  })
})
