import type { Metric } from '../entities.js'

// One line of `metrics/<key>`: `<timestamp> <value> <step>`, the value as Python's `str(float)`
// writes it (`3.0`, `1e-05`, `1e+16`, `nan`, `inf`, `-inf`), as MLflow's file store appends it.

export function formatMetricLine(metric: Pick<Metric, 'timestamp' | 'value' | 'step'>): string {
  return `${metric.timestamp} ${formatPythonFloat(metric.value)} ${metric.step}\n`
}

/** Reads a line as MLflow does: 2, 3 or 5 space-separated fields (the step is 0 when absent). */
export function parseMetricLine(key: string, line: string): Metric {
  const parts = line.trim().split(' ')
  if (parts.length !== 2 && parts.length !== 3 && parts.length !== 5) {
    throw new Error(`metric '${key}' is malformed: a line has ${parts.length} fields, expected 2, 3 or 5`)
  }
  return {
    key,
    timestamp: parsePythonInt(key, parts[0] ?? ''),
    value: parsePythonFloat(key, parts[1] ?? ''),
    step: parts.length === 3 ? parsePythonInt(key, parts[2] ?? '') : 0,
  }
}

/** Python's `repr(float)`: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function formatPythonFloat(value: number): string {
  if (Number.isNaN(value)) return 'nan'
  if (value === Infinity) return 'inf'
  if (value === -Infinity) return '-inf'
  if (value === 0) return Object.is(value, -0) ? '-0.0' : '0.0'
  const [mantissa = '', exponentText = '0'] = Math.abs(value).toExponential().split('e')
  const digits = mantissa.replace('.', '')
  const exponent = Number(exponentText)
  const sign = value < 0 ? '-' : ''
  if (exponent < -4 || exponent >= 16) {
    const fraction = digits.length > 1 ? `.${digits.slice(1)}` : ''
    const magnitude = String(Math.abs(exponent)).padStart(2, '0')
    return `${sign}${digits[0]}${fraction}e${exponent < 0 ? '-' : '+'}${magnitude}`
  }
  if (exponent < 0) return `${sign}0.${'0'.repeat(-exponent - 1)}${digits}`
  const whole = digits.slice(0, exponent + 1).padEnd(exponent + 1, '0')
  const fraction = digits.slice(exponent + 1)
  return `${sign}${whole}.${fraction || '0'}`
}

const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?$/i
const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i

/** Python's `float(text)` for what a metrics file can hold. */
export function parsePythonFloat(key: string, text: string): number {
  const special = SPECIAL.exec(text)
  if (special) {
    if (special[2]?.toLowerCase() === 'nan') return NaN
    return special[1] === '-' ? -Infinity : Infinity
  }
  if (!DECIMAL.test(text)) throw new Error(`metric '${key}' is malformed: '${text}' is not a number`)
  return Number(text)
}

function parsePythonInt(key: string, text: string): number {
  if (!/^[+-]?\d+$/.test(text)) throw new Error(`metric '${key}' is malformed: '${text}' is not an integer`)
  return Number(text)
}
