// Rebuilds the bundles into a temporary folder and fails when they differ from the committed
// dist/: the action runs dist/index.js as committed, so it must be built from this source.
import { execFileSync } from 'node:child_process'
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const fresh = mkdtempSync(join(tmpdir(), 'dist-check-'))
try {
  execFileSync(process.execPath, ['node_modules/rollup/dist/bin/rollup', '--config', 'rollup.config.js', '--silent'], {
    stdio: 'inherit',
    env: { ...process.env, DIST_DIR: fresh },
  })
  const names = new Set([...readdirSync('dist'), ...readdirSync(fresh)])
  const differing = [...names].filter((name) => {
    try {
      return !readFileSync(join('dist', name)).equals(readFileSync(join(fresh, name)))
    } catch {
      return true
    }
  })
  if (differing.length > 0) {
    console.error(`dist/ does not match the source (${differing.join(', ')}): run \`npm run bundle\` and commit dist/.`)
    process.exit(1)
  }
  console.log('dist/ matches the source.')
} finally {
  rmSync(fresh, { recursive: true, force: true })
}
