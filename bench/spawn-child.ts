// Runs one repetition of a workload case in a fresh `node` (child.ts) and reads back its sample.
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { SAMPLE_PREFIX, type Sample } from './workload.js'

const repoRoot = fileURLToPath(new URL('../', import.meta.url))
const childScript = fileURLToPath(new URL('./child.ts', import.meta.url))

export function runChild(caseId: string, fixtureDir: string, serverUrl?: string): Promise<Sample> {
  return new Promise((resolve, reject) => {
    const args = ['--expose-gc', '--import', 'tsx', childScript, caseId, fixtureDir, ...(serverUrl ? [serverUrl] : [])]
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk))
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => {
      const line = stdout.split('\n').find((l) => l.startsWith(SAMPLE_PREFIX))
      if (code !== 0 || !line) {
        reject(new Error(`${caseId} failed (exit ${code}):\n${stderr.trim() || stdout.trim()}`))
        return
      }
      resolve(JSON.parse(line.slice(SAMPLE_PREFIX.length)) as Sample)
    })
  })
}
