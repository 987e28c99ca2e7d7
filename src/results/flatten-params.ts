import { InputError } from '../inputs/input-error.js'
import { validateKey } from '../inputs/parse-inputs.js'

// MLflow's param value limit since 2.8 (mlflow/utils/validation.py MAX_PARAM_VAL_LENGTH).
export const MAX_PARAM_VALUE_LENGTH = 6000

/**
 * Flattens a config mapping into MLflow params: nested keys join with '.' (`model.n_estimators`).
 * Scalars are written as Python's MLflow client writes them (`True`, `None`), so params logged by
 * this action and by a Python script compare equal; lists are kept whole as JSON.
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
    if (text.length > MAX_PARAM_VALUE_LENGTH) {
      throw new InputError(source, `at ${where}: the value has ${text.length} characters; MLflow keeps at most ${MAX_PARAM_VALUE_LENGTH}`)
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
  if (typeof value === 'string') return value
  if (value instanceof Date) return value.toISOString()
  if (typeof value === 'number') return String(value)
  return JSON.stringify(value)
}
