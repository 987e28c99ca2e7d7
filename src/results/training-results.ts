import { z } from 'zod'
import type { BusinessSettings, WorkspaceFile } from '../inputs/inputs.js'
import { InputError } from '../inputs/input-error.js'
import { validateKey } from '../inputs/parse-inputs.js'
import { businessMetrics } from './business-metrics.js'
import { flattenParams } from './flatten-params.js'
import { NON_FINITE, readDataFile } from './read-data-file.js'

/** One metric point, before it gets its timestamp. */
export interface MetricPoint {
  key: string
  value: number
  step: number
}

export interface TrainingResults {
  /** `seed` is the training-results shape; `mapping` a DVC-style mapping of numbers. */
  shape: 'seed' | 'mapping'
  points: MetricPoint[]
  params: Record<string, string>
  notices: string[]
}

const SEED_KEYS = ['cv_results', 'test_results', 'history'] as const

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v)

/** `$.a.b[2]`, with odd keys quoted. */
const pathOf = (parts: Array<string | number>) =>
  '$' + parts.map((p) => (typeof p === 'number' ? `[${p}]` : /^[A-Za-z_][\w]*$/.test(p) ? `.${p}` : `[${JSON.stringify(p)}]`)).join('')

class ResultsReader {
  readonly points: MetricPoint[] = []
  readonly notices: string[] = []
  private readonly origin = new Map<string, string>()

  constructor(readonly file: WorkspaceFile) {}

  error(path: Array<string | number>, message: string): never {
    throw new InputError(this.file.input, `at ${pathOf(path)}: ${message}`)
  }

  /** A finite number, or undefined when the value is not a number at all. */
  number(value: unknown, path: Array<string | number>): number | undefined {
    if (typeof value === 'string' && value.startsWith(NON_FINITE)) {
      this.error(path, `expected a finite number, got ${value.slice(NON_FINITE.length)}`)
    }
    if (typeof value !== 'number') return undefined
    if (!Number.isFinite(value)) this.error(path, `expected a finite number, got ${value}`)
    return value
  }

  add(key: string, value: number, step: number, path: Array<string | number>) {
    if (step === 0) {
      try {
        validateKey(this.file.input, 'metric', key)
      } catch (error) {
        this.error(path, (error as InputError).message.replace(`${this.file.input}: `, ''))
      }
      const before = this.origin.get(key)
      if (before) this.error(path, `gives metric "${key}" a second time (first from ${before})`)
      this.origin.set(key, pathOf(path))
    }
    this.points.push({ key, value, step })
  }

  skip(path: Array<string | number>, value: unknown) {
    this.notices.push(`${this.file.relative}: ${pathOf(path)} is ${describe(value)}, not a number: not logged as a metric`)
  }
}

const describe = (value: unknown) =>
  value === null ? 'null' : Array.isArray(value) ? 'a list' : typeof value === 'object' ? 'a mapping' : `a ${typeof value}`

const confusionMatrixSchema = z
  .array(z.array(z.number().int().nonnegative()).min(1))
  .min(1)
  .refine((rows) => rows.every((r) => r.length === rows.length), { message: 'expected a square matrix' })

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length
/** Population standard deviation, as numpy's default (ddof=0) and sklearn's cv_results_ std. */
const std = (xs: number[]) => {
  const m = mean(xs)
  return Math.sqrt(mean(xs.map((x) => (x - m) ** 2)))
}

function readCvResults(reader: ResultsReader, cv: unknown) {
  if (cv === undefined) return
  if (!isRecord(cv)) reader.error(['cv_results'], `expected a mapping of metric names to numbers, got ${describe(cv)}`)
  for (const [key, value] of Object.entries(cv)) {
    const path = ['cv_results', key]
    if (Array.isArray(value)) {
      const folds = value.map((v, i) => {
        const n = reader.number(v, [...path, i])
        return n ?? reader.error([...path, i], `expected per-fold scores to be numbers, got ${describe(v)}`)
      })
      if (folds.length === 0) reader.error(path, 'expected at least one fold score, got an empty list')
      reader.add(`cv_${key}`, mean(folds), 0, path)
      reader.add(`cv_${key}_std`, std(folds), 0, path)
      folds.forEach((score, step) => reader.add(`cv_${key}_fold`, score, step, [...path, step]))
      continue
    }
    const n = reader.number(value, path)
    if (n === undefined) reader.skip(path, value)
    else reader.add(`cv_${key}`, n, 0, path)
  }
}

function readTestResults(reader: ResultsReader, test: unknown, business: BusinessSettings) {
  if (test === undefined) return
  if (!isRecord(test)) reader.error(['test_results'], `expected a mapping with "metrics", got ${describe(test)}`)
  const metrics = test.metrics
  if (metrics !== undefined) {
    if (!isRecord(metrics)) reader.error(['test_results', 'metrics'], `expected a mapping of metric names to numbers, got ${describe(metrics)}`)
    for (const [key, value] of Object.entries(metrics)) {
      const path = ['test_results', 'metrics', key]
      const n = reader.number(value, path)
      if (n === undefined) reader.skip(path, value)
      else reader.add(`test_${key}`, n, 0, path)
    }
  }
  const cm = test.confusion_matrix
  if (cm === undefined || cm === null) return
  const parsed = confusionMatrixSchema.safeParse(cm)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    reader.error(
      ['test_results', 'confusion_matrix', ...((issue?.path ?? []) as Array<string | number>)],
      `expected a square matrix of non-negative integer counts, [[tn, fp], [fn, tp]] for a binary classifier (${issue?.message ?? 'invalid'})`,
    )
  }
  const matrix = parsed.data
  if (matrix.length !== 2) {
    reader.notices.push(
      `${reader.file.relative}: the confusion matrix is ${matrix.length}×${matrix.length}; business metrics need a binary (2×2) one, so none were computed`,
    )
    return
  }
  for (const [key, value] of Object.entries(businessMetrics(matrix as [[number, number], [number, number]], business))) {
    reader.add(key, value, 0, ['test_results', 'confusion_matrix'])
  }
}

function readHistory(reader: ResultsReader, history: unknown) {
  if (history === undefined || history === null) return
  if (!isRecord(history)) reader.error(['history'], `expected a mapping of metric names to lists of numbers, got ${describe(history)}`)
  for (const [key, values] of Object.entries(history)) {
    const path = ['history', key]
    if (!Array.isArray(values)) reader.error(path, `expected a list of numbers (one per step), got ${describe(values)}`)
    values.forEach((v, step) => {
      const n = reader.number(v, [...path, step])
      if (n === undefined) reader.error([...path, step], `expected a number, got ${describe(v)}`)
      reader.add(key, n, step, [...path, step])
    })
  }
}

function readMapping(reader: ResultsReader, value: unknown, path: string[]) {
  if (isRecord(value)) {
    for (const [key, child] of Object.entries(value)) readMapping(reader, child, [...path, key])
    return
  }
  const n = reader.number(value, path)
  if (n === undefined) reader.skip(path, value)
  else reader.add(path.join('.'), n, 0, path)
}

/** Reads the results file (SPEC section 4) into metric points, params and notices. Writes nothing. */
export function readTrainingResults(file: WorkspaceFile, business: BusinessSettings): TrainingResults {
  const data = readDataFile(file)
  const reader: ResultsReader = new ResultsReader(file)
  if (!isRecord(data)) {
    reader.error([], `expected a mapping (the training-results shape or a mapping of metric names to numbers), got ${describe(data)}`)
  }
  const isSeed = SEED_KEYS.some((k) => k in data)
  let params: Record<string, string> = {}
  if (isSeed) {
    readCvResults(reader, data.cv_results)
    readTestResults(reader, data.test_results, business)
    readHistory(reader, data.history)
    if (data.params !== undefined) {
      if (!isRecord(data.params)) reader.error(['params'], `expected a mapping of parameter names to values, got ${describe(data.params)}`)
      params = flattenParams(data.params, file.input, '$.params')
    }
  } else {
    readMapping(reader, data, [])
  }
  if (reader.points.length === 0) {
    reader.error([], 'found no metric: expected cv_results, test_results.metrics or history, or a mapping of metric names to numbers')
  }
  return { shape: isSeed ? 'seed' : 'mapping', points: reader.points, params, notices: reader.notices }
}
