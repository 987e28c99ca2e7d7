import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { formatMetricLine, formatPythonFloat, parseMetricLine, parsePythonFloat } from '../../../src/mlflow/file/metric-line.js'

// repr() of each value, printed by CPython 3.11.
const PYTHON_REPR: Array<[number, string]> = [
  [0, '0.0'],
  [-0, '-0.0'],
  [1, '1.0'],
  [3, '3.0'],
  [0.1, '0.1'],
  [0.6, '0.6'],
  [1.5e-7, '1.5e-07'],
  [0.0001, '0.0001'],
  [0.00001, '1e-05'],
  [-0.00001, '-1e-05'],
  [123456789.125, '123456789.125'],
  [1e15, '1000000000000000.0'],
  [1e16, '1e+16'],
  [1.5e16, '1.5e+16'],
  [9007199254740992, '9007199254740992.0'],
  [1e22, '1e+22'],
  [-2.5, '-2.5'],
  [144210, '144210.0'],
  [1 / 3, '0.3333333333333333'],
  [5e-324, '5e-324'],
  [1.7976931348623157e308, '1.7976931348623157e+308'],
  [0.30000000000000004, '0.30000000000000004'],
  [12345678901234567890, '1.2345678901234567e+19'],
  [NaN, 'nan'],
  [Infinity, 'inf'],
  [-Infinity, '-inf'],
]

describe('metric lines', () => {
  test('values are written as Python writes floats', () => {
    for (const [value, repr] of PYTHON_REPR) assert.equal(formatPythonFloat(value), repr, `value ${value}`)
  })

  test('a line is "<timestamp> <value> <step>"', () => {
    assert.equal(formatMetricLine({ timestamp: 1700000000000, value: 0.5, step: 3 }), '1700000000000 0.5 3\n')
  })

  test('every double survives a write and a read', () => {
    fc.assert(
      fc.property(fc.double(), fc.nat(), fc.integer(), (value, timestamp, step) => {
        const read = parseMetricLine('m', formatMetricLine({ timestamp, value, step }))
        assert.deepEqual(read, { key: 'm', timestamp, value, step })
      }),
    )
  })

  test('reads what older MLflow wrote: no step, or dataset fields', () => {
    assert.deepEqual(parseMetricLine('m', '1000 2.5\n'), { key: 'm', timestamp: 1000, value: 2.5, step: 0 })
    assert.deepEqual(parseMetricLine('m', '1000 2.5 4 ds digest'), { key: 'm', timestamp: 1000, value: 2.5, step: 0 })
  })

  test("reads Python's spellings of special values", () => {
    assert.ok(Number.isNaN(parsePythonFloat('m', 'NaN')))
    assert.equal(parsePythonFloat('m', 'Infinity'), Infinity)
    assert.equal(parsePythonFloat('m', '-inf'), -Infinity)
    assert.equal(parsePythonFloat('m', '1e+16'), 1e16)
    assert.equal(parsePythonFloat('m', '.5'), 0.5)
  })

  test('refuses malformed lines', () => {
    assert.throws(() => parseMetricLine('m', '1000 2.5 1 2'), /malformed/)
    assert.throws(() => parseMetricLine('m', '1000 0x10 1'), /not a number/)
    assert.throws(() => parseMetricLine('m', '10.5 1 1'), /not an integer/)
    assert.throws(() => parseMetricLine('m', ''), /malformed/)
  })
})
