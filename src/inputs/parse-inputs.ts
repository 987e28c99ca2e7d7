import { parse as parseYaml } from 'yaml'
import { z } from 'zod'
import type { BaselineSpec, BusinessSettings, Inputs, MetricRule, MetricRules, Tolerance } from './inputs.js'
import { InputError } from './input-error.js'
import type { InputName, InputSource } from './input-names.js'
import { Workspace } from './workspace-files.js'
import { whereYaml } from '../results/read-data-file.js'
import {
  codePoints,
  MAX_PARAM_VALUE_LENGTH,
  validateKey as validateMlflowKey,
  validateModelName,
} from '../mlflow/mlflow-names.js'

// MLflow's rules for metric/param/tag keys (mlflow/utils/validation.py), and the alias rules
// of its registry.
const ALIAS = /^[\w-]+$/
const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const

export interface ParseContext {
  workspace: string
  env: NodeJS.ProcessEnv
  /** `owner/name` of the repository, for the default experiment name. */
  repository?: string
  /**
   * A closed pull request registers the run it already logged, so the training outputs need not
   * be there: `results` and `model-path` are then checked only if they exist.
   */
  filesMayBeMissing?: boolean
}

const fail = (input: InputName, message: string): never => {
  throw new InputError(input, message)
}

/** Checks one input against a zod schema; the message names the input and says what was expected. */
function check<T>(input: InputName, schema: z.ZodType<T>, value: unknown): T {
  const result = schema.safeParse(value)
  if (!result.success) {
    // prettifyError puts each issue on a line, with its path on the next: fold that into one line.
    const message = z
      .prettifyError(result.error)
      .replace(/^✖ /gm, '')
      .replace(/\n\s*→ at (.*)/g, ' (at $1)')
      .replace(/\n/g, '; ')
    throw new InputError(input, message)
  }
  return result.data
}

const lines = (text: string) =>
  text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'))

/** MLflow's own rules for a metric, param or tag name, as an InputError naming the input. */
export function validateKey(input: string, kind: 'metric' | 'param' | 'tag', key: string): string {
  try {
    validateMlflowKey(kind, key)
  } catch {
    throw new InputError(
      input,
      `${kind} name "${key}" is not one MLflow accepts: expected at most 250 letters, digits, '_', '-', '.', ' ', ` +
        "'/' or ':', and no path that MLflow would normalise to another name (no '..' or '.' segment, no '//', no leading or trailing '/')",
    )
  }
  return key
}

function keyValues(input: InputName, text: string, kind: 'param' | 'tag'): Array<{ key: string; value: string }> {
  return lines(text).map((line) => {
    const eq = line.indexOf('=')
    if (eq <= 0) fail(input, `expected one key=value per line, got "${line}"`)
    const key = validateKey(input, kind, line.slice(0, eq).trim())
    const value = line.slice(eq + 1).trim()
    // A server would cut a long param silently, and then a re-run could never match it; tags are
    // cut to MLflow's limit when the run is built.
    if (kind === 'param' && codePoints(value) > MAX_PARAM_VALUE_LENGTH) {
      fail(input, `the value of "${key}" has ${codePoints(value)} characters; MLflow keeps at most ${MAX_PARAM_VALUE_LENGTH}`)
    }
    return { key, value }
  })
}

function yamlMapping(input: InputName, text: string): unknown {
  try {
    return parseYaml(text)
  } catch (error) {
    return fail(input, `expected a YAML mapping, but it does not parse ${whereYaml(error)}`)
  }
}

const toleranceSchema = z
  .union([
    z.number().nonnegative(),
    z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, { message: 'expected a number or a percentage such as "2%"' }),
  ])
  .transform((t): Tolerance =>
    typeof t === 'number' ? { kind: 'absolute', value: t } : { kind: 'relative', fraction: parseFloat(t) / 100 },
  )

const metricRuleSchema = z.strictObject({
  goal: z.enum(['max', 'min', 'none']).optional(),
  tolerance: toleranceSchema.optional(),
})

const metricsSchema = z.record(z.string().min(1), metricRuleSchema.nullable())

export function parseMetricRules(text: string): MetricRules {
  const rules: MetricRules = { exact: new Map(), globs: [] }
  if (text.trim() === '') return rules
  const parsed = check('metrics', metricsSchema, yamlMapping('metrics', text))
  for (const [key, rule] of Object.entries(parsed)) {
    const value: MetricRule = rule ?? {}
    if (/[*?[\]{}]/.test(key)) rules.globs.push({ pattern: key, rule: value })
    else rules.exact.set(key, value)
  }
  return rules
}

const businessSchema = z.strictObject({
  clv: z.number().nonnegative().finite().default(2300),
  retention_rate: z.number().min(0).max(1).default(0.3),
  contact_cost: z.number().nonnegative().finite().default(0),
  currency: z
    .string()
    .regex(/^[A-Za-z]{3}$/, { message: 'expected a three-letter ISO 4217 currency code such as USD or EUR' })
    .transform((c) => c.toUpperCase())
    .default('USD'),
})

export function parseBusiness(text: string): BusinessSettings {
  const raw = text.trim() === '' ? {} : yamlMapping('business', text)
  const b = check('business', businessSchema, raw ?? {})
  return { clv: b.clv, retentionRate: b.retention_rate, contactCost: b.contact_cost, currency: b.currency }
}

export function parseBaseline(text: string, modelName: string | undefined): BaselineSpec | undefined {
  const uri = text.trim() || (modelName ? `models:/${modelName}@champion` : '')
  if (uri === '') return undefined
  const expected =
    'expected models:/Name@alias, models:/Name/<Stage>, models:/Name/<version>, models:/Name/latest, runs:/<run_id> or branch:<name>'
  let m: RegExpExecArray | null
  if ((m = /^models:\/([^/@]+)@([^/]+)$/.exec(uri))) {
    const [, name, alias] = m as unknown as [string, string, string]
    if (!ALIAS.test(alias)) fail('baseline', `the alias "${alias}" is not valid (letters, digits, '_' and '-'); ${expected}`)
    return { kind: 'alias', modelName: name, alias, uri }
  }
  if ((m = /^models:\/([^/@]+)\/([^/]+)$/.exec(uri))) {
    const [, name, ref] = m as unknown as [string, string, string]
    if (/^\d+$/.test(ref)) return { kind: 'version', modelName: name, version: ref, uri }
    if (ref.toLowerCase() === 'latest') return { kind: 'latest', modelName: name, uri }
    const stage = STAGES.find((s) => s.toLowerCase() === ref.toLowerCase())
    if (!stage) fail('baseline', `"${ref}" is not a version number, "latest" or a stage (${STAGES.join(', ')})`)
    return { kind: 'stage', modelName: name, stage: stage as string, uri }
  }
  if ((m = /^runs:\/([0-9a-zA-Z]+)(?:\/.*)?$/.exec(uri))) return { kind: 'run', runId: m[1] as string, uri }
  if ((m = /^branch:(.+)$/.exec(uri))) return { kind: 'branch', branch: (m[1] as string).trim(), uri }
  return fail('baseline', `"${uri}" is not a baseline; ${expected}`)
}

const booleanSchema = z.enum(['true', 'false', 'True', 'False', 'TRUE', 'FALSE'], {
  message: 'expected true or false',
})

function choice<T extends string>(input: InputName, value: string, options: readonly T[]): T {
  return check(input, z.enum(options as [T, ...T[]], { message: `expected one of ${options.join(', ')}` }), value.trim())
}

function trackingUri(raw: string, env: NodeJS.ProcessEnv): string {
  const uri = raw.trim() || env.MLFLOW_TRACKING_URI?.trim() || 'file:./mlruns'
  if (/^https?:\/\//i.test(uri)) {
    try {
      new URL(uri)
    } catch {
      fail('tracking-uri', `"${redact(uri)}" is not a valid URL`)
    }
    return uri
  }
  if (uri.startsWith('file:')) return uri
  // MLflow treats a bare path as a file store too, except its bare `databricks` shorthand.
  if ((!/^[a-z][a-z0-9+.-]*:/i.test(uri) && uri !== 'databricks') || /^[a-zA-Z]:[\\/]/.test(uri)) return `file:${uri}`
  return fail(
    'tracking-uri',
    `"${redact(uri)}" is not supported: expected an http(s):// tracking server or a file: store (databricks, sqlite and other schemes need a tracking server in front)`,
  )
}

/** Hides user:password in a URL before it is shown. */
export const redact = (uri: string) => uri.replace(/\/\/[^/@]*@/, '//***@')

export function parseInputs(read: InputSource, context: ParseContext): Inputs {
  const workspace = new Workspace(context.workspace)
  const get = (name: InputName) => read(name).trim()

  const experimentName =
    get('experiment-name') || context.env.MLFLOW_EXPERIMENT_NAME?.trim() || context.repository?.split('/')[1] || ''
  if (!experimentName) fail('experiment-name', 'no experiment name: set the input or MLFLOW_EXPERIMENT_NAME')

  const modelName = get('model-name') || undefined
  if (modelName) {
    try {
      validateModelName(modelName)
    } catch (error) {
      fail('model-name', (error as Error).message.replace(/^INVALID_PARAMETER_VALUE: /, ''))
    }
  }
  const register = choice('register', get('register') || 'never', ['never', 'on-merge', 'always'] as const)
  if (register !== 'never' && !modelName) fail('model-name', `register: ${register} needs a model-name to register under`)

  const present = (path: string) => !context.filesMayBeMissing || workspace.exists(path)
  const modelPathText = get('model-path')
  let modelPath: Inputs['modelPath']
  if (modelPathText && present(modelPathText)) {
    const found = workspace.fileOrDirectory('model-path', modelPathText)
    const hasMlmodel = found.isDirectory && found.files.some((f) => f.relative === `${found.relative}/MLmodel`)
    if (found.isDirectory && found.files.length === 0) fail('model-path', `the directory "${modelPathText}" is empty`)
    modelPath = {
      kind: found.isDirectory ? (hasMlmodel ? 'mlflow-model-dir' : 'directory') : 'file',
      absolute: found.absolute,
      relative: found.relative,
      files: found.files,
    }
  }
  if (register !== 'never' && !modelPathText) {
    fail('model-path', `register: ${register} needs a model to register: set model-path`)
  }

  const alias = get('register-alias') || 'champion'
  // MLflow reserves 'latest' case-insensitively and ^[vV]\d+$ (mlflow/utils/validation.py).
  if (alias !== 'none' && (!ALIAS.test(alias) || alias.toLowerCase() === 'latest' || /^[vV]\d+$/.test(alias))) {
    fail('register-alias', `"${alias}" is not an alias MLflow accepts: letters, digits, '_' and '-', not "latest" nor v<number>`)
  }
  const stageText = get('register-stage')
  const stage = stageText ? STAGES.find((s) => s.toLowerCase() === stageText.toLowerCase()) : undefined
  if (stageText && !stage) fail('register-stage', `expected one of ${STAGES.join(', ')}, got "${stageText}"`)

  const artifacts = workspace.glob('artifacts', lines(get('artifacts')))
  const resultsPath = get('results') || 'artifacts/training_results.json'

  return {
    workspace: workspace.root,
    trackingUri: trackingUri(get('tracking-uri'), context.env),
    experimentName,
    results: present(resultsPath) ? workspace.file('results', resultsPath) : undefined,
    resultsPath,
    paramsFiles: lines(get('params-files')).map((p) => workspace.file('params-files', p)),
    params: keyValues('params', read('params'), 'param'),
    artifacts: artifacts.files,
    unmatchedArtifactPatterns: artifacts.unmatched,
    modelPath,
    modelName,
    baseline: parseBaseline(get('baseline'), modelName),
    metrics: parseMetricRules(read('metrics')),
    failOnRegression: check('fail-on-regression', booleanSchema, get('fail-on-regression') || 'false').toLowerCase() === 'true',
    business: parseBusiness(read('business')),
    tags: keyValues('tags', read('tags'), 'tag'),
    runName: get('run-name') || undefined,
    githubToken: get('github-token') || undefined,
    comment: choice('comment', get('comment') || 'auto', ['auto', 'always', 'never'] as const),
    commentKey: get('comment-key') || experimentName,
    register,
    registerAlias: alias === 'none' ? undefined : alias,
    registerStage: stage,
    registerIf: choice('register-if', get('register-if') || 'not-worse', ['always', 'not-worse', 'better'] as const),
  }
}
