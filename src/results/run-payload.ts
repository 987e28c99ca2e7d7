import { basename } from 'node:path'
import type { Metric, Param, RunTag } from '../mlflow/entities.js'
import type { Inputs } from '../inputs/inputs.js'
import type { RunContext } from '../inputs/run-context.js'
import { flattenParams } from './flatten-params.js'
import { readDataFile } from './read-data-file.js'
import { readTrainingResults } from './training-results.js'
import { InputError } from '../inputs/input-error.js'
import { codePoints, MAX_TAG_VALUE_LENGTH } from '../mlflow/mlflow-names.js'

/** Everything one MLflow run will hold, built and checked before the first write. */
export interface RunPayload {
  runName: string
  /** Identifies the job that made the run, so a re-run finds it (absent outside Actions). */
  runKey?: string
  userId?: string
  tags: RunTag[]
  params: Param[]
  metrics: Metric[]
  artifacts: Array<{ localPath: string; artifactPath: string }>
  notices: string[]
}


export function defaultRunName(context: RunContext): string {
  const sha7 = context.sha?.slice(0, 7)
  if (context.pullRequest) return `pr-${context.pullRequest.number}-${sha7}`
  if (context.branch && sha7) return `${context.branch}-${sha7}`
  return `${context.branch ?? 'local'}-${new Date().toISOString().replace(/[-:]/g, '').slice(0, 15)}`
}

export function workflowRunUrl(context: RunContext): string | undefined {
  if (!context.repository || !context.runId) return undefined
  const attempt = context.runAttempt && context.runAttempt !== '1' ? `/attempts/${context.runAttempt}` : ''
  return `${context.serverUrl}/${context.repository}/actions/runs/${context.runId}${attempt}`
}

function note(context: RunContext): string {
  const lines = ['Logged by mlflow-pr-report.']
  if (context.pullRequest) lines.push(`Pull request: [#${context.pullRequest.number} ${context.pullRequest.title}](${context.pullRequest.url})`)
  if (context.repository && context.sha) lines.push(`Commit: [${context.sha.slice(0, 7)}](${context.serverUrl}/${context.repository}/commit/${context.sha})`)
  const job = workflowRunUrl(context)
  if (job) lines.push(`Workflow run: ${job}`)
  return lines.join('\n\n')
}

function systemTags(inputs: Inputs, context: RunContext, runName: string): Record<string, string | undefined> {
  return {
    'mlflow.runName': runName,
    'mlflow.user': context.actor,
    'mlflow.source.type': 'JOB',
    'mlflow.source.name': workflowRunUrl(context),
    'mlflow.source.git.commit': context.sha,
    'mlflow.source.git.branch': context.branch,
    'mlflow.source.git.repoURL': context.repository ? `${context.serverUrl}/${context.repository}` : undefined,
    'mlflow.note.content': note(context),
    'github.repository': context.repository,
    'github.event': context.eventName,
    'github.pr': context.pullRequest ? String(context.pullRequest.number) : undefined,
    'github.workflow': context.workflow,
    'github.job': context.job,
    'github.run_id': context.runId,
    'github.run_attempt': context.runAttempt,
    'github.run_key': runKey(inputs, context),
  }
}

export function runKey(inputs: Pick<Inputs, 'commentKey'>, context: RunContext): string | undefined {
  if (!context.repository || !context.runId) return undefined
  return `${context.repository}/${context.runId}/${context.job ?? ''}/${inputs.commentKey}`
}

/**
 * Reads and checks every input file and builds the run's content. Throws an InputError naming the
 * file and JSON path on anything MLflow would reject; writes nothing.
 */
export function buildRunPayload(inputs: Inputs, context: RunContext, now: number): RunPayload {
  if (!inputs.results) {
    throw new InputError('results', `"${inputs.resultsPath}" does not exist in the workspace, and a run must be logged from it`)
  }
  const resultsFile = inputs.results
  const results = readTrainingResults(resultsFile, inputs.business)
  const notices = [...results.notices]

  // Later sources win: the results file's params, then the params files, then the `params` input.
  const params: Record<string, string> = { ...results.params }
  for (const file of inputs.paramsFiles) {
    const data = readDataFile(file)
    if (typeof data !== 'object' || data === null || Array.isArray(data)) {
      throw new InputError(file.input, 'expected a mapping of parameter names to values at $')
    }
    Object.assign(params, flattenParams(data as Record<string, unknown>, file.input))
  }
  for (const { key, value } of inputs.params) params[key] = value

  const runName = inputs.runName ?? defaultRunName(context)
  const tags: Record<string, string> = {}
  for (const [key, value] of Object.entries(systemTags(inputs, context, runName))) {
    if (value !== undefined && value !== '') tags[key] = value
  }
  for (const { key, value } of inputs.tags) {
    if (key === 'mlflow.runName' && value !== runName) {
      throw new InputError('tags', 'set the run name with the run-name input, not an mlflow.runName tag')
    }
    tags[key] = value
  }
  for (const [key, value] of Object.entries(tags)) {
    if (codePoints(value) > MAX_TAG_VALUE_LENGTH) tags[key] = `${[...value].slice(0, MAX_TAG_VALUE_LENGTH - 1).join('')}…`
  }

  const artifacts: RunPayload['artifacts'] = [{ localPath: resultsFile.absolute, artifactPath: basename(resultsFile.relative) }]
  for (const file of inputs.paramsFiles) artifacts.push({ localPath: file.absolute, artifactPath: `config/${basename(file.relative)}` })
  for (const file of inputs.artifacts) artifacts.push({ localPath: file.absolute, artifactPath: file.relative })
  if (inputs.modelPath) {
    const model = inputs.modelPath
    for (const file of model.files) {
      const inside = model.kind === 'file' ? basename(file.relative) : file.relative.slice(model.relative.length + 1)
      artifacts.push({ localPath: file.absolute, artifactPath: `model/${inside}` })
    }
  }
  const seen = new Map<string, string>()
  for (const a of artifacts) {
    const other = seen.get(a.artifactPath)
    if (other && other !== a.localPath) {
      throw new InputError('artifacts', `two files would be logged as the same artifact "${a.artifactPath}"`)
    }
    seen.set(a.artifactPath, a.localPath)
  }

  return {
    runName,
    runKey: tags['github.run_key'],
    userId: context.actor,
    tags: Object.entries(tags).map(([key, value]) => ({ key, value })),
    params: Object.entries(params).map(([key, value]) => ({ key, value })),
    // One timestamp, taken once: a retried log-batch then repeats points MLflow deduplicates.
    metrics: results.points.map((p) => ({ ...p, timestamp: now })),
    artifacts: [...new Map(artifacts.map((a) => [a.artifactPath, a])).values()],
    notices,
  }
}
