import { InputError } from '../inputs/input-error.js'
import { validateKey } from '../inputs/parse-inputs.js'
import { codePoints, MAX_PARAM_VALUE_LENGTH } from '../mlflow/mlflow-names.js'
import { NON_FINITE } from './read-data-file.js'

/**
 * Flattens a config mapping into MLflow params: nested keys join with '.' (`model.n_estimators`).
 * Scalars are written as Python's MLflow client writes them (`True`, `None`, `1e-05`), so params
 * logged by this action and by a Python script compare equal; lists are kept whole as JSON.
 */
export function flattenParams(data: Record<string, unknown>, source: string, rootPath = '$'): Record<string, string> {
  const out: Record<string, string> = {}
  const walk = (value: unknown, keys: string[]) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Date)) {
      const entries = Object.entries(value as Record<string, unknown>)
      if (entries.length > 0 || keys.length === 0) {
        for (const [k, v] of entries) walk(v, [...keys, k])
        return
      }
    }
    const key = keys.join('.')
    const where = `${rootPath}.${key}`
    try {
      validateKey(source, 'param', key)
    } catch (error) {
      throw new InputError(source, `at ${where}: ${(error as Error).message.slice(source.length + 2)}`)
    }
    const text = paramValue(value)
    if (codePoints(text) > MAX_PARAM_VALUE_LENGTH) {
      throw new InputError(source, `at ${where}: the value has ${codePoints(text)} characters; MLflow keeps at most ${MAX_PARAM_VALUE_LENGTH}`)
    }
    out[key] = text
  }
  walk(data, [])
  return out
}

export function paramValue(value: unknown): string {
  if (value === null || value === undefined) return 'None'
  if (value === true) return 'True'
  if (value === false) return 'False'
  if (value instanceof Date) return value.toISOString()
  const scalar = nonFinite(value)
  if (scalar !== undefined) return scalar
  if (typeof value === 'string') return value
  if (typeof value === 'number') return pythonNumber(value)
  return JSON.stringify(value, (_key, v: unknown) => nonFinite(v) ?? v)
}

/**
 * A number as Python's str() writes it: the same shortest digits as JavaScript, but an exponent
 * below 1e-4 and from 1e16 (`1e-05`, `1.5e+16`). A whole number is written as an int: the parsers
 * hand YAML's `1.0` over as 1, which Python would have logged as `1.0`.
 */
export function pythonNumber(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e16) return String(n)
  const [mantissa, exponent] = n.toExponential().split('e') as [string, string]
  const power = Number(exponent)
  if (power >= -4 && power < 16) return String(n)
  return `${mantissa}e${power < 0 ? '-' : '+'}${String(Math.abs(power)).padStart(2, '0')}`
}

/**
 * Python's str() of a non-finite float (`nan`, `inf`, `-inf`), as its MLflow client would log it,
 * for a non-finite number or a bare NaN/Infinity token marked by read-data-file.ts; else undefined.
 */
function nonFinite(value: unknown): string | undefined {
  const n =
    typeof value === 'number' ? value : typeof value === 'string' && value.startsWith(NON_FINITE) ? Number(value.slice(NON_FINITE.length)) : 0
  if (Number.isFinite(n)) return undefined
  return Number.isNaN(n) ? 'nan' : n > 0 ? 'inf' : '-inf'
}
