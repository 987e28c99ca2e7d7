// The benchmark of speed and memory (`npm run bench`). Each repetition of each case runs in a fresh
// child process, so the peak RSS it reports is that case's alone; the markdown table goes to stdout,
// progress to stderr. Pick suites or cases by name: `npm run bench -- results upload/proxy`;
// `--repetitions 1` for a quick pass.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs'
import { cpus, tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseArgs } from 'node:util'
import { CASES, SUITES, type BenchCase } from './cases.js'
import { runCli } from './cli-runs.js'
import { startDiscardServer, type DiscardServer } from './discard-server.js'
import { ensureFixture } from './fixtures.js'
import { runChild } from './spawn-child.js'
import { resultsTable, type CaseResult } from './table.js'
import type { Sample } from './workload.js'

const USAGE = `Usage: npm run bench -- [suite or case id ...] [--repetitions N]
Suites: ${SUITES.join(', ')}
Cases: ${CASES.map((c) => c.id).join(', ')}`

function usageError(message: string): never {
  process.stderr.write(`${message}\n${USAGE}\n`)
  process.exit(2)
}

function parseOptions(): { selected: BenchCase[]; repetitions?: number } {
  let parsed
  try {
    parsed = parseArgs({
      options: { repetitions: { type: 'string', short: 'n' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    })
  } catch (error) {
    return usageError((error as Error).message)
  }
  const { values, positionals } = parsed
  if (values.help) {
    process.stdout.write(`${USAGE}\n`)
    process.exit(0)
  }
  const repetitions = values.repetitions === undefined ? undefined : Number(values.repetitions)
  if (repetitions !== undefined && !(Number.isInteger(repetitions) && repetitions > 0)) {
    usageError(`--repetitions must be a positive integer, got ${values.repetitions}`)
  }
  const unknown = positionals.filter((s) => !CASES.some((c) => c.suite === s || c.id === s))
  if (unknown.length > 0) usageError(`unknown suite or case: ${unknown.join(', ')}`)
  const selected = positionals.length === 0 ? CASES : CASES.filter((c) => positionals.includes(c.suite) || positionals.includes(c.id))
  return { selected, repetitions }
}

const { selected, repetitions: repetitionsOverride } = parseOptions()

const root = mkdtempSync(join(tmpdir(), 'mlflow-pr-report-bench-'))
const fixtureDir = join(root, 'fixtures')
mkdirSync(fixtureDir)
const removeRoot = () => rmSync(root, { recursive: true, force: true })
process.once('SIGINT', () => {
  removeRoot()
  process.exit(130)
})

const log = (line: string) => process.stderr.write(`${line}\n`)
let server: DiscardServer | undefined
const results: CaseResult[] = []
try {
  if (selected.some((c) => c.suite === 'upload')) server = await startDiscardServer()
  for (const benchCase of selected) {
    for (const fixture of benchCase.fixtures) {
      const start = performance.now()
      const path = ensureFixture(fixtureDir, fixture)
      log(`fixture ${fixture}: ${path} (${((performance.now() - start) / 1000).toFixed(1)} s)`)
    }
    const samples: Sample[] = []
    const repetitions = repetitionsOverride ?? benchCase.repetitions
    for (let i = 0; i < repetitions; i++) {
      const sample =
        benchCase.kind === 'cli'
          ? await runCli(join(fixtureDir, 'cli-workspace'), i)
          : await runChild(benchCase.id, fixtureDir, server?.url)
      log(`${benchCase.id} #${i + 1}: ${sample.wallMs} ms, peak RSS ${sample.peakRssMiB} MiB; ${sample.note}`)
      samples.push(sample)
    }
    results.push({ benchCase, samples })
  }
} finally {
  await server?.close()
  removeRoot()
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU'
process.stdout.write(
  `Node ${process.version}, ${process.platform}/${process.arch}, ${cpus().length} × ${cpu}\n\n${resultsTable(results)}\n`,
)
