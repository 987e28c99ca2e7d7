// Input files for the benchmark, generated into a temporary folder from a fixed seed, so every
// run of the benchmark reads the same bytes.
import { closeSync, copyFileSync, existsSync, mkdirSync, openSync, writeFileSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

export type FixtureName = 'seed' | 'seed-nan-params' | 'seed-nan-history' | 'mapping' | 'big-file' | 'cli-workspace'

export const FIXTURE_FILES: Record<FixtureName, string> = {
  seed: 'seed.json',
  'seed-nan-params': 'seed-nan-params.json',
  'seed-nan-history': 'seed-nan-history.json',
  mapping: 'mapping.json',
  'big-file': 'big.bin',
  'cli-workspace': 'cli-workspace',
}

export const HISTORY_LISTS = 10
export const HISTORY_STEPS = 100_000
export const MAPPING_KEYS = 50_000
export const BIG_FILE_BYTES = 200 * 1024 * 1024

const repoRoot = fileURLToPath(new URL('../', import.meta.url))

/** mulberry32: a small seeded generator, so the fixtures do not change between runs. */
function random(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

/**
 * The seed's training-results shape with HISTORY_LISTS history lists of HISTORY_STEPS full-precision
 * floats, written as Python's json.dump writes them (", " separators). `params` comes last, so a
 * NaN token there is the last thing JSON.parse meets: the slowest case for the retry in
 * read-data-file.ts, which parses the whole file, fails, marks the tokens and parses again.
 * 'params' puts NaN/Infinity in params (accepted, logged as "nan"/"inf"); 'history' makes the last
 * history point NaN (rejected with its JSON path).
 */
function seedResults(nan: 'none' | 'params' | 'history'): string {
  const next = random(42)
  const names = ['train_loss', 'val_loss', 'train_accuracy', 'val_accuracy', 'train_f1', 'val_f1', 'train_auc', 'val_auc', 'learning_rate', 'grad_norm']
  const history = names.slice(0, HISTORY_LISTS).map((name, list) => {
    const values = new Array<string>(HISTORY_STEPS)
    for (let step = 0; step < HISTORY_STEPS; step++) values[step] = String(1 / (1 + step / 1000) + next() * 0.01)
    if (nan === 'history' && list === HISTORY_LISTS - 1) values[HISTORY_STEPS - 1] = 'NaN'
    return `${JSON.stringify(name)}: [${values.join(', ')}]`
  })
  const params =
    nan === 'params'
      ? '{"model": {"n_estimators": 300, "max_depth": Infinity, "tol": NaN}, "seed": 42}'
      : '{"model": {"n_estimators": 300, "max_depth": 8, "tol": 0.0001}, "seed": 42}'
  return (
    '{"cv_results": {"f1": [0.5981, 0.6213, 0.6042, 0.5894, 0.6127], "roc_auc_mean": 0.8523}, ' +
    '"test_results": {"metrics": {"accuracy": 0.8645, "f1": 0.6067, "roc_auc": 0.8523}, "confusion_matrix": [[1520, 73], [198, 209]]}, ' +
    `"history": {${history.join(', ')}}, "params": ${params}}`
  )
}

/** A DVC-style nested mapping with MAPPING_KEYS numeric leaves: 50 stages × 10 groups × 100 metrics. */
function dvcMapping(): string {
  const next = random(7)
  const perGroup = 100
  const groups = 10
  const stages = MAPPING_KEYS / (perGroup * groups)
  const data: Record<string, Record<string, Record<string, number>>> = {}
  for (let s = 0; s < stages; s++) {
    const stage: Record<string, Record<string, number>> = {}
    for (let g = 0; g < groups; g++) {
      const group: Record<string, number> = {}
      for (let m = 0; m < perGroup; m++) group[`metric_${m}`] = next()
      stage[`group_${g}`] = group
    }
    data[`stage_${s}`] = stage
  }
  return JSON.stringify(data, null, 2)
}

function bigFile(path: string) {
  const next = random(1)
  const block = Buffer.alloc(1024 * 1024)
  for (let i = 0; i < block.length; i += 4) block.writeUInt32LE(Math.floor(next() * 0x1_0000_0000), i)
  const fd = openSync(path, 'w')
  try {
    for (let written = 0; written < BIG_FILE_BYTES; written += block.length) writeSync(fd, block)
  } finally {
    closeSync(fd)
  }
}

/** A workspace holding the bank-churn example's results file, as a CLI user's checkout would. */
function cliWorkspace(dir: string) {
  mkdirSync(dir)
  copyFileSync(join(repoRoot, 'examples', 'bank-churn', 'v1', 'training_results.json'), join(dir, 'training_results.json'))
}

/** Creates the fixture in `dir` unless it is there already; answers its path. */
export function ensureFixture(dir: string, name: FixtureName): string {
  const path = join(dir, FIXTURE_FILES[name])
  if (existsSync(path)) return path
  switch (name) {
    case 'seed':
      writeFileSync(path, seedResults('none'))
      break
    case 'seed-nan-params':
      writeFileSync(path, seedResults('params'))
      break
    case 'seed-nan-history':
      writeFileSync(path, seedResults('history'))
      break
    case 'mapping':
      writeFileSync(path, dvcMapping())
      break
    case 'big-file':
      bigFile(path)
      break
    case 'cli-workspace':
      cliWorkspace(path)
      break
  }
  return path
}
