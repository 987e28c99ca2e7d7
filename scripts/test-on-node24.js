// Runs the whole suite on Node 24, the runtime of `runs.using: node24`, whatever node runs npm.
// Node 24 comes from the npm registry (the `node` package) into a cached folder.
import { execFileSync, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

const version = process.env.NODE24_VERSION || '24'
const prefix = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mlflow-pr-report', `node-${version}`)
const node = join(prefix, 'node_modules', '.bin', 'node')
if (!existsSync(node)) {
  mkdirSync(prefix, { recursive: true })
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--prefix', prefix, `node@${version}`], { stdio: 'inherit' })
}
const actual = execFileSync(node, ['--version'], { encoding: 'utf8' }).trim()
if (!actual.startsWith('v24.')) {
  console.error(`expected Node 24 from ${node}, got ${actual}`)
  process.exit(1)
}
console.log(`Running the test suite on Node ${actual}`)
const result = spawnSync(node, ['scripts/run-tests.js', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, NODE_UNDER_TEST: node },
})
process.exit(result.status ?? 1)
