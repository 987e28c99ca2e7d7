import { mkdirSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { compareRuns } from './compare/compare.js'
import type { Comparison } from './compare/comparison.js'
import { resolveBaseline, type BaselineResolution } from './compare/resolve-baseline.js'
import { createGitHubClient } from './github/octokit.js'
import { isPermissionDenied, upsertStickyComment } from './github/sticky-comment.js'
import { InputError } from './inputs/input-error.js'
import type { Inputs } from './inputs/inputs.js'
import { isPullRequestEvent, type RunContext } from './inputs/run-context.js'
import type { JobIo } from './job-io.js'
import type { Run } from './mlflow/entities.js'
import { logRun } from './mlflow/log-run.js'
import type { MlflowStores } from './mlflow/open-store.js'
import { registerModel, type RegistrationOutcome } from './register/register-model.js'
import { commentMarker, renderReport, type ReportContext } from './report/render.js'
import { buildRunPayload, type RunPayload } from './results/run-payload.js'

const MODEL_VERSION_DESCRIPTION_LIMIT = 5000

export interface JobResult {
  /** Set when the step must fail after everything was written (the regression gate). */
  failure?: string
  verdict?: Comparison['verdict']
}

interface JobEnvironment {
  inputs: Inputs
  context: RunContext
  stores: MlflowStores
  io: JobIo
  env: NodeJS.ProcessEnv
}

/** What happens, by event (SPEC section 2). */
export async function runJob(job: JobEnvironment): Promise<JobResult> {
  const { context, inputs, io } = job
  if (context.eventName === 'pull_request_target') {
    io.warning(
      'pull_request_target runs with a write token and secrets: never check out and run the pull request’s code in such a workflow',
    )
  }
  const pr = context.pullRequest
  if (pr && context.action === 'closed') {
    if (!pr.merged) {
      io.notice(`Pull request #${pr.number} was closed without merging: nothing to log or register.`)
      return {}
    }
    if (inputs.register === 'on-merge' || inputs.register === 'always') return registerMergedPullRequest(job)
    io.notice(`Pull request #${pr.number} was merged; register is ${inputs.register}, so nothing to do.`)
    return {}
  }

  // Everything is read and checked before the first write to MLflow.
  const payload = buildRunPayload(inputs, context, Date.now())
  for (const notice of payload.notices) io.notice(notice)
  for (const pattern of inputs.unmatchedArtifactPatterns) io.warning(`artifacts: "${pattern}" matched no file`)

  const logged = await logRun(job.stores.tracking, inputs.experimentName, payload)
  io.info(`${logged.reused ? 'Updated' : 'Logged'} MLflow run ${logged.run.info.runId} in experiment ${inputs.experimentName}`)
  const report = await compareAndReport(job, logged.run, logged.experimentId, payload)

  const pushToDefault = context.eventName === 'push' && !!context.defaultBranch && context.branch === context.defaultBranch
  if (inputs.register === 'always' || (inputs.register === 'on-merge' && pushToDefault)) {
    await register(job, logged.run, report)
  }
  return gate(job, report.comparison)
}

interface ComparedRun {
  comparison: Comparison
  resolution: BaselineResolution
  markdown: string
  reportContext: ReportContext
}

async function compareAndReport(
  job: JobEnvironment,
  run: Run,
  experimentId: string,
  payload?: RunPayload,
  notices: string[] = [],
): Promise<ComparedRun> {
  const { inputs, stores, io, context } = job
  const resolution = await resolveBaseline(inputs.baseline, stores, experimentId, run.info.runId)
  if (resolution.missing) io.notice(`No baseline: ${resolution.missing}. The report shows the candidate alone.`)
  const baselineRun = resolution.baseline?.run
  const comparison = compareRuns(run.data, baselineRun?.data, inputs.metrics)
  const tracking = stores.tracking
  const reportContext: ReportContext = {
    experimentName: inputs.experimentName,
    commentKey: inputs.commentKey,
    candidate: { run, url: tracking.runUrl(experimentId, run.info.runId) },
    baseline: resolution.baseline && {
      label: resolution.baseline.label,
      version: resolution.baseline.modelVersion?.version,
      run: resolution.baseline.run,
      url: tracking.runUrl(resolution.baseline.run.info.experimentId, resolution.baseline.run.info.runId),
      modelVersionUrl: resolution.baseline.modelVersion
        ? tracking.modelVersionUrl(resolution.baseline.modelVersion.name, resolution.baseline.modelVersion.version)
        : undefined,
    },
    baselineMissing: resolution.missing,
    baselineLabel: inputs.baseline?.uri,
    compareUrl: baselineRun ? tracking.compareUrl(experimentId, [baselineRun.info.runId, run.info.runId]) : undefined,
    comparison,
    business: inputs.business,
    notices: [...(payload?.notices ?? []), ...notices],
  }
  // The MLflow outputs first: a GitHub failure later must not hide the run it made.
  io.setOutput('run-id', run.info.runId)
  io.setOutput('run-url', reportContext.candidate.url ?? '')
  io.setOutput('experiment-id', experimentId)
  io.setOutput('baseline-run-id', baselineRun?.info.runId ?? '')
  io.setOutput('baseline-version', resolution.baseline?.modelVersion?.version ?? '')
  io.setOutput('verdict', comparison.verdict)
  io.setOutput('regressions', String(comparison.regressions.length))
  const markdown = renderReport(reportContext)
  await publish(job, markdown)
  return { comparison, resolution, markdown, reportContext }
}

/** The report goes to a file, the job summary and (on pull requests) the sticky comment. */
async function publish(job: JobEnvironment, markdown: string): Promise<void> {
  const { inputs, context, io, env } = job
  const dir = join(env.RUNNER_TEMP || tmpdir(), 'mlflow-pr-report')
  mkdirSync(dir, { recursive: true })
  const reportPath = join(dir, `${inputs.commentKey.replace(/[^\w.-]+/g, '_')}.md`)
  writeFileSync(reportPath, markdown)
  io.setOutput('report-path', reportPath)
  await io.writeSummary(markdown)

  const wantsComment = inputs.comment === 'always' || (inputs.comment === 'auto' && isPullRequestEvent(context))
  if (!wantsComment) return
  if (!context.pullRequest || !context.owner || !context.repo) {
    io.warning('comment: always, but this event is not about a pull request: no comment posted')
    return
  }
  if (!inputs.githubToken) {
    io.warning('No github-token: the report is in the job summary only')
    return
  }
  const client = createGitHubClient(inputs.githubToken, {
    baseUrl: env.GITHUB_API_URL,
    log: { info: (m) => io.info(m), warning: (m) => io.warning(m) },
  })
  try {
    const comment = await upsertStickyComment(
      client,
      { owner: context.owner, repo: context.repo, issueNumber: context.pullRequest.number },
      commentMarker(inputs.commentKey),
      markdown,
    )
    io.info(`${comment.action === 'created' ? 'Posted' : 'Updated'} the report comment ${comment.url}`)
    io.setOutput('comment-url', comment.url)
  } catch (error) {
    if (!isPermissionDenied(error)) throw error
    // A fork's pull request gets a read-only token: the summary still has the report.
    io.warning(
      `This token cannot comment on pull request #${context.pullRequest.number} (a fork's read-only token?); the report is in the job summary`,
    )
  }
}

async function register(job: JobEnvironment, run: Run, report: ComparedRun): Promise<RegistrationOutcome> {
  const { inputs, stores, io, context } = job
  if (!inputs.modelName) throw new Error('model-name is needed to register')
  const outcome = await registerModel(stores, {
    modelName: inputs.modelName,
    alias: inputs.registerAlias,
    stage: inputs.registerStage,
    registerIf: inputs.registerIf,
    verdict: report.comparison.verdict,
    run,
    runUrl: stores.tracking.runUrl(run.info.experimentId, run.info.runId),
    context,
    // MLflow's SQL stores keep 5000 characters of a version's description.
    description: renderReport(report.reportContext, { maxLength: MODEL_VERSION_DESCRIPTION_LIMIT })
      .replace(commentMarker(inputs.commentKey), '')
      .trim(),
  })
  if (outcome.registered) {
    for (const action of outcome.actions) io.info(`Registry: ${action}`)
    io.setOutput('model-version', outcome.version.version)
    await io.writeSummary(`\n**Registry:** ${outcome.actions.join('; ')}.\n`)
  } else {
    io.notice(`Not registered: ${outcome.reason}`)
    await io.writeSummary(`\n**Registry:** not registered: ${outcome.reason}.\n`)
  }
  return outcome
}

/** A merged pull request: register the PR's newest FINISHED candidate run (SPEC section 2). */
async function registerMergedPullRequest(job: JobEnvironment): Promise<JobResult> {
  const { inputs, context, stores, io } = job
  const pr = context.pullRequest!
  // Look without writing: the experiment is created only when a run must be logged.
  const experiment = await stores.tracking.getExperimentByName(inputs.experimentName)
  const [candidate] = experiment
    ? await stores.tracking.searchRuns({
        experimentIds: [experiment.experimentId],
        tags: { 'github.pr': String(pr.number), 'mlflow.source.git.commit': pr.headSha },
        status: 'FINISHED',
        maxResults: 1,
      })
    : []
  let run = candidate
  let experimentId = experiment?.experimentId
  let payload: RunPayload | undefined
  if (run && experimentId) {
    io.info(`Pull request #${pr.number} was merged: registering its run ${run.info.runId} (head ${pr.headSha.slice(0, 7)})`)
  } else {
    io.notice(`No FINISHED run of pull request #${pr.number} at ${pr.headSha.slice(0, 7)}: logging one from ${inputs.resultsPath}`)
    if (!inputs.modelPath) {
      throw new InputError('model-path', 'no model is in the workspace, and one is needed to log a run for this merge and register it')
    }
    payload = buildRunPayload(inputs, context, Date.now())
    const logged = await logRun(stores.tracking, inputs.experimentName, payload)
    run = logged.run
    experimentId = logged.experimentId
  }
  const report = await compareAndReport({ ...job, inputs: { ...inputs, comment: 'never' } }, run, experimentId, payload)
  await register(job, run, report)
  return { verdict: report.comparison.verdict }
}

function gate(job: JobEnvironment, comparison: Comparison): JobResult {
  const { inputs } = job
  if (!inputs.failOnRegression || comparison.regressions.length === 0) return { verdict: comparison.verdict }
  const list = comparison.regressions
    .map((m) => `${m.key} (${m.baseline} → ${m.candidate})`)
    .join(', ')
  return {
    verdict: comparison.verdict,
    failure: `${comparison.regressions.length} gated metric(s) regressed past their tolerance: ${list}`,
  }
}
