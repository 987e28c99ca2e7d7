// Creates (once) and finds the Python virtual environment with the reference MLflow.
// The venv is cached under ~/.cache, keyed by the requirements file, so a fresh clone on the same
// machine reuses it; MLFLOW_PR_REPORT_VENV names another place.
import { createHash } from 'node:crypto'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const requirements = join(root, 'test', 'python', 'requirements.txt')

export function venvDir() {
  if (process.env.MLFLOW_PR_REPORT_VENV) return resolve(process.env.MLFLOW_PR_REPORT_VENV)
  const key = createHash('sha256').update(readFileSync(requirements)).digest('hex').slice(0, 12)
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache')
  return join(cache, 'mlflow-pr-report', `venv-${key}`)
}

export function venvPython() {
  return join(venvDir(), 'bin', 'python')
}

export function ensurePythonEnv() {
  const dir = venvDir()
  if (existsSync(join(dir, '.complete'))) return dir
  const python = process.env.PYTHON || 'python3'
  // Built in place; the marker is written last, so a half-done install is thrown away next time.
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dirname(dir), { recursive: true })
  console.log(`Creating the MLflow test environment in ${dir} (once; a few minutes)…`)
  execFileSync(python, ['-m', 'venv', dir], { stdio: 'inherit' })
  const venvPy = join(dir, 'bin', 'python')
  execFileSync(venvPy, ['-m', 'pip', 'install', '--quiet', '--disable-pip-version-check', '-r', requirements], {
    stdio: ['ignore', 'inherit', 'inherit'],
  })
  execFileSync(venvPy, ['-c', 'import mlflow, sklearn; print("mlflow", mlflow.__version__)'], { stdio: 'inherit' })
  writeFileSync(join(dir, '.complete'), new Date().toISOString())
  return dir
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(ensurePythonEnv())
}
