// Access to the real MLflow that scripts/run-tests.js installed and started.
import { execFile } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'

const execFileAsync = promisify(execFile)

export const pythonChecks = fileURLToPath(new URL('../python/', import.meta.url))

function required(name: string): string {
  const value = process.env[name]
  if (!value) {
    throw new Error(`${name} is not set: run the tests with \`npm test\`, which starts the MLflow server`)
  }
  return value
}

/** The URL of the MLflow tracking server started for this test run. */
export const trackingUri = (): string => required('MLFLOW_TEST_TRACKING_URI')

/** A name no other test uses, for experiments and registered models. */
export const uniqueName = (prefix: string): string => `${prefix}-${randomUUID().slice(0, 8)}`

/**
 * Runs a Python script from test/python with the reference MLflow and parses the JSON it prints
 * on its last line of stdout.
 */
export async function runPython<T = unknown>(
  script: string,
  args: string[],
  env: Record<string, string> = {},
): Promise<T> {
  const python = required('MLFLOW_TEST_PYTHON')
  try {
    const { stdout } = await execFileAsync(python, [pythonChecks + script, ...args], {
      env: { ...process.env, MLFLOW_TRACKING_URI: trackingUri(), ...env },
      maxBuffer: 64 * 1024 * 1024,
      timeout: 300_000,
    })
    const lines = stdout.trim().split('\n')
    return JSON.parse(lines[lines.length - 1] ?? 'null') as T
  } catch (error) {
    const e = error as { stderr?: string; message: string }
    throw new Error(`python ${script} failed: ${e.message}\n${e.stderr ?? ''}`)
  }
}
