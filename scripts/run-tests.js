// The test command: makes sure the reference MLflow is installed (cached venv), starts a real
// MLflow tracking server on a free loopback port with a throw-away sqlite store, runs every test
// with Node's test runner, and stops the server. Extra arguments go to `node --test`.
import { spawn } from 'node:child_process'
import { mkdtempSync, openSync, readdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { ensurePythonEnv, venvPython } from './python-env.js'

const freePort = () =>
  new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => resolve(port))
    })
  })

async function waitForHealth(url, server, deadline) {
  while (Date.now() < deadline) {
    if (server.exitCode !== null) throw new Error(`the MLflow server exited with code ${server.exitCode}`)
    try {
      const response = await fetch(`${url}/health`)
      if (response.ok) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 250))
  }
  throw new Error(`the MLflow server at ${url} did not answer /health in time`)
}

async function main() {
  ensurePythonEnv()
  const work = mkdtempSync(join(tmpdir(), 'mlflow-server-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const log = openSync(join(work, 'server.log'), 'w')
  const server = spawn(
    venvPython(),
    [
      '-m', 'mlflow', 'server',
      '--host', '127.0.0.1',
      '--port', String(port),
      '--workers', '1',
      '--backend-store-uri', `sqlite:///${join(work, 'mlflow.db')}`,
      '--artifacts-destination', join(work, 'artifacts'),
    ],
    { cwd: work, stdio: ['ignore', log, log], env: { ...process.env, MLFLOW_SERVER_ENABLE_JOB_EXECUTION: 'false' } },
  )
  const stop = () => {
    if (server.exitCode === null) server.kill('SIGTERM')
  }
  process.on('exit', stop)
  try {
    await waitForHealth(url, server, Date.now() + 120_000)
  } catch (error) {
    console.error(String(error), `\nserver log: ${join(work, 'server.log')}`)
    stop()
    process.exit(1)
  }
  console.log(`MLflow server ${url} (log: ${join(work, 'server.log')})`)

  const args = process.argv.slice(2)
  // Node 20's runner takes no globs: list the test files here.
  const files = args.some((a) => !a.startsWith('-'))
    ? []
    : readdirSync('test', { recursive: true })
        .filter((f) => f.endsWith('.test.ts'))
        .map((f) => join('test', f))
        .sort()
  const runner = spawn(
    process.execPath,
    ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', ...args, ...files],
    {
      stdio: 'inherit',
      env: {
        ...process.env,
        MLFLOW_TEST_TRACKING_URI: url,
        MLFLOW_TEST_PYTHON: venvPython(),
        MLFLOW_TEST_SERVER_DIR: work,
      },
    },
  )
  const code = await new Promise((resolve) => runner.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))))
  stop()
  await new Promise((r) => (server.exitCode === null ? server.once('exit', r) : r()))
  if (code === 0 && !process.env.KEEP_MLFLOW_SERVER_DIR) rmSync(work, { recursive: true, force: true })
  process.exit(code)
}

main().catch((error) => {
  console.error(error)
  process.exit(1)
})
