import { readFileSync } from 'node:fs'
import { z } from 'zod'
import { InputError } from './input-error.js'

/** Where this job runs: the GitHub event, or a local shell for the CLI. */
export interface RunContext {
  eventName: string
  /** `opened`, `synchronize`, `closed`… for pull_request events. */
  action?: string
  repository?: string
  owner?: string
  repo?: string
  serverUrl: string
  runId?: string
  runAttempt?: string
  job?: string
  workflow?: string
  actor?: string
  /** The commit the run is for: the PR head sha on pull requests (not the merge commit). */
  sha?: string
  /** The head branch on pull requests, else the pushed branch. */
  branch?: string
  defaultBranch?: string
  pullRequest?: {
    number: number
    url: string
    title: string
    merged: boolean
    headSha: string
    headRef: string
    baseRef: string
    fromFork: boolean
  }
}

const eventSchema = z.looseObject({
  action: z.string().optional(),
  repository: z.looseObject({ default_branch: z.string().optional(), full_name: z.string().optional() }).optional(),
  pull_request: z
    .looseObject({
      number: z.number().int(),
      html_url: z.string().optional(),
      title: z.string().optional(),
      merged: z.boolean().nullable().optional(),
      head: z.looseObject({
        sha: z.string(),
        ref: z.string(),
        repo: z.looseObject({ full_name: z.string().optional() }).nullable().optional(),
      }),
      base: z.looseObject({ ref: z.string(), repo: z.looseObject({ full_name: z.string().optional() }).optional() }),
    })
    .optional(),
})

const PR_EVENTS = new Set(['pull_request', 'pull_request_target'])

export const isPullRequestEvent = (context: RunContext) => PR_EVENTS.has(context.eventName) && !!context.pullRequest

export const isClosedPullRequest = (context: RunContext) => isPullRequestEvent(context) && context.action === 'closed'

function readEvent(path: string | undefined): z.infer<typeof eventSchema> {
  if (!path) return {}
  let raw: unknown
  try {
    raw = JSON.parse(readFileSync(path, 'utf8'))
  } catch (error) {
    throw new InputError('GITHUB_EVENT_PATH', `cannot read the event payload ${path}: ${(error as Error).message}`)
  }
  const parsed = eventSchema.safeParse(raw)
  if (!parsed.success) {
    throw new InputError('GITHUB_EVENT_PATH', `the event payload is not the expected shape: ${z.prettifyError(parsed.error)}`)
  }
  return parsed.data
}

/** Reads the GitHub Actions environment (or whatever of it the CLI's shell has). */
export function runContextFromEnv(env: NodeJS.ProcessEnv): RunContext {
  const event = readEvent(env.GITHUB_EVENT_PATH)
  const repository = env.GITHUB_REPOSITORY || event.repository?.full_name
  const [owner, repo] = repository?.split('/') ?? []
  const serverUrl = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '')
  const eventName = env.GITHUB_EVENT_NAME || 'local'
  const pr = PR_EVENTS.has(eventName) ? event.pull_request : undefined
  const refBranch = env.GITHUB_REF?.startsWith('refs/heads/') ? env.GITHUB_REF.slice('refs/heads/'.length) : undefined
  return {
    eventName,
    action: event.action,
    repository,
    owner,
    repo,
    serverUrl,
    runId: env.GITHUB_RUN_ID || undefined,
    runAttempt: env.GITHUB_RUN_ATTEMPT || undefined,
    job: env.GITHUB_JOB || undefined,
    workflow: env.GITHUB_WORKFLOW || undefined,
    actor: env.GITHUB_ACTOR || undefined,
    sha: pr?.head.sha ?? (env.GITHUB_SHA || undefined),
    branch: pr?.head.ref ?? (env.GITHUB_HEAD_REF || refBranch || env.GITHUB_REF_NAME || undefined),
    defaultBranch: event.repository?.default_branch,
    pullRequest: pr && {
      number: pr.number,
      url: pr.html_url ?? `${serverUrl}/${repository}/pull/${pr.number}`,
      title: pr.title ?? '',
      merged: pr.merged === true,
      headSha: pr.head.sha,
      headRef: pr.head.ref,
      baseRef: pr.base.ref,
      fromFork: !!pr.head.repo?.full_name && !!repository && pr.head.repo.full_name !== repository,
    },
  }
}
