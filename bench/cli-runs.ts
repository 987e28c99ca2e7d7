// The CLI end to end, as a user runs it: `node dist/cli.js` (the committed bundle) in a workspace
// holding the results file, writing a file: store. Timed from spawn to exit, so Node's start-up and
// loading the 2 MB bundle count, as they do for the user.
import { spawn } from 'node:child_process'
import { mkdirSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Sample } from './workload.js'

const cliPath = fileURLToPath(new URL('../dist/cli.js', import.meta.url))

// Loaded before the CLI: writes the process's peak RSS (KiB) to a file on exit, leaving stdout and
// stderr to the CLI. A data: URL, so the CLI runs with no loader (tsx) in the way.
const REPORT_MAX_RSS = `data:text/javascript,${encodeURIComponent(
  "import { writeFileSync } from 'node:fs'; process.on('exit', () => writeFileSync(process.env.BENCH_MAX_RSS_FILE, String(process.resourceUsage().maxRSS)))",
)}`

/** This process's environment minus anything that would make the CLI act as a workflow or pick another server. */
function cliEnv(tempDir: string, rssFile: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [key, value] of Object.entries(process.env)) {
    if (!/^(MLFLOW_|GITHUB_|INPUT_|RUNNER_|ACTIONS_)/.test(key)) env[key] = value
  }
  return { ...env, USER: 'bench', RUNNER_TEMP: tempDir, BENCH_MAX_RSS_FILE: rssFile }
}

/**
 * One CLI run in `workspace` (which holds training_results.json), logging into `<workspace>/../mlruns`
 * so the workspace stays as the user left it. Every run of a benchmark logs into the same store.
 */
export async function runCli(workspace: string, repetition: number): Promise<Sample> {
  const tempDir = join(workspace, '..', `runner-temp-${repetition}`)
  mkdirSync(tempDir, { recursive: true })
  const rssFile = join(tempDir, 'max-rss')
  const storeUri = `file:${join(workspace, '..', 'mlruns')}`
  const args = ['--experiment-name', 'bench-bank-churn', '--results', 'training_results.json', '--tracking-uri', storeUri]
  try {
    const start = process.hrtime.bigint()
    const { code, stdout, stderr } = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
      const child = spawn(process.execPath, ['--import', REPORT_MAX_RSS, cliPath, ...args], {
        cwd: workspace,
        env: cliEnv(tempDir, rssFile),
        stdio: ['ignore', 'pipe', 'pipe'],
      })
      let out = ''
      let err = ''
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (out += chunk))
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (err += chunk))
      child.on('error', reject)
      child.on('close', (exitCode) => resolve({ code: exitCode, stdout: out, stderr: err }))
    })
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6
    const verdict = /^verdict=(.*)$/m.exec(stderr)?.[1]
    if (code !== 0 || !/^run-id=/m.test(stderr) || !verdict) {
      throw new Error(`the CLI failed (exit ${code}):\n${stderr.trim()}`)
    }
    const peakRssKiB = Number(readFileSync(rssFile, 'utf8'))
    return {
      wallMs: Math.round(wallMs * 10) / 10,
      peakRssMiB: Math.round((peakRssKiB / 1024) * 10) / 10,
      note: `exit 0, verdict=${verdict}, report ${stdout.length.toLocaleString('en')} chars; 1 run logged per repetition into one store`,
    }
  } finally {
    rmSync(tempDir, { recursive: true, force: true })
  }
}
