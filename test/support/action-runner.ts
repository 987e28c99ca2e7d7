// Runs the bundled action as the GitHub runner does: `node dist/index.js` with INPUT_* variables
// (defaults filled from action.yml, as the runner does), an event file, and temporary
// GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files.
import { execFile } from 'node:child_process'
import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { parse as parseYaml } from 'yaml'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const actionYml = parseYaml(readFileSync(join(repoRoot, 'action.yml'), 'utf8')) as {
  inputs: Record<string, { default?: string }>
}

export interface ActionRun {
  code: number
  stdout: string
  stderr: string
  outputs: Record<string, string>
  summary: string
}

export interface ActionOptions {
  workspace: string
  inputs: Record<string, string>
  eventName: string
  event: object
  env?: Record<string, string>
  /** The node binary; NODE_UNDER_TEST lets the suite run the bundle on Node 24. */
  node?: string
}

/** Copies a fixture workspace to a fresh temporary directory. */
export function workspaceFrom(fixture: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'workspace-'))
  cpSync(join(repoRoot, 'test', 'fixtures', 'workspaces', fixture), dir, { recursive: true })
  return dir
}

/** Parses the `name<<delimiter` blocks @actions/core writes to GITHUB_OUTPUT. */
export function parseOutputFile(text: string): Record<string, string> {
  const outputs: Record<string, string> = {}
  const lines = text.split('\n')
  for (let i = 0; i < lines.length; i++) {
    const match = /^([^<=]+)<<(.+)$/.exec(lines[i] ?? '')
    if (!match) continue
    const [, name, delimiter] = match as unknown as [string, string, string]
    const value: string[] = []
    while (++i < lines.length && lines[i] !== delimiter) value.push(lines[i] as string)
    outputs[name] = value.join('\n')
  }
  return outputs
}

export async function runAction(options: ActionOptions): Promise<ActionRun> {
  const files = mkdtempSync(join(tmpdir(), 'runner-'))
  const eventPath = join(files, 'event.json')
  const outputPath = join(files, 'output')
  const summaryPath = join(files, 'summary.md')
  writeFileSync(eventPath, JSON.stringify(options.event))
  writeFileSync(outputPath, '')
  writeFileSync(summaryPath, '')
  const inputs: Record<string, string> = {}
  for (const [name, spec] of Object.entries(actionYml.inputs)) {
    const value = options.inputs[name] ?? spec.default ?? ''
    inputs[`INPUT_${name.replace(/ /g, '_').toUpperCase()}`] = value === '${{ github.token }}' ? '' : value
  }
  for (const name of Object.keys(options.inputs)) {
    if (!(name in actionYml.inputs)) inputs[`INPUT_${name.toUpperCase()}`] = options.inputs[name] as string
  }
  // Only what a runner sets: nothing of this process's own MLflow or GitHub settings leaks in.
  const base: Record<string, string> = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !/^(MLFLOW_|GITHUB_|INPUT_|RUNNER_)/.test(key)) base[key] = value
  }
  const env = {
    ...base,
    GITHUB_ACTIONS: 'true',
    GITHUB_WORKSPACE: options.workspace,
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: eventPath,
    GITHUB_OUTPUT: outputPath,
    GITHUB_STEP_SUMMARY: summaryPath,
    GITHUB_REPOSITORY: 'acme/churn',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '9001',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_JOB: 'train',
    GITHUB_WORKFLOW: 'Train',
    GITHUB_ACTOR: 'octocat',
    GITHUB_SHA: 'f'.repeat(40),
    GITHUB_REF: 'refs/heads/main',
    RUNNER_TEMP: files,
    MLFLOW_HTTP_REQUEST_MAX_RETRIES: '2',
    MLFLOW_HTTP_REQUEST_BACKOFF_FACTOR: '0.1',
    ...inputs,
    ...options.env,
  }
  const node = options.node ?? process.env.NODE_UNDER_TEST ?? process.execPath
  return new Promise((resolve) => {
    execFile(
      node,
      [join(repoRoot, 'dist', 'index.js')],
      { cwd: options.workspace, env, timeout: 180_000, maxBuffer: 32 * 1024 * 1024 },
      (error, stdout, stderr) => {
        resolve({
          code: error ? ((error as { code?: number }).code ?? 1) : 0,
          stdout,
          stderr,
          outputs: parseOutputFile(readFileSync(outputPath, 'utf8')),
          summary: readFileSync(summaryPath, 'utf8'),
        })
      },
    )
  })
}
