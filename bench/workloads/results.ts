// Reading a results file (src/results): JSON.parse, the NaN/Infinity retry, and the walk into metric points.
import { statSync } from 'node:fs'
import { basename, join } from 'node:path'
import type { BusinessSettings, WorkspaceFile } from '../../src/inputs/inputs.js'
import { InputError } from '../../src/inputs/input-error.js'
import { readTrainingResults, type TrainingResults } from '../../src/results/training-results.js'
import { FIXTURE_FILES, type FixtureName } from '../fixtures.js'
import type { Workload } from '../workload.js'

const BUSINESS: BusinessSettings = { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' }

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

function workspaceFile(path: string): WorkspaceFile {
  return { input: 'results', absolute: path, relative: basename(path), size: statSync(path).size }
}

/** Reads a file that must give `expectedPoints` metric points (when set). */
export const readResults =
  (fixture: FixtureName, expectedPoints?: number): Workload =>
  async ({ fixtureDir }) => {
    const file = workspaceFile(join(fixtureDir, FIXTURE_FILES[fixture]))
    let results: TrainingResults | undefined
    return {
      run: () => {
        results = readTrainingResults(file, BUSINESS)
      },
      check: () => {
        if (!results) throw new Error('no results')
        if (expectedPoints !== undefined && results.points.length !== expectedPoints) {
          throw new Error(`expected ${expectedPoints} metric points, got ${results.points.length}`)
        }
        const params = Object.entries(results.params).map(([k, v]) => `${k}=${v}`)
        const nonFinite = params.filter((p) => /=(nan|inf|-inf)$/.test(p))
        return (
          `${megabytes(file.size)} ${results.shape}; ${results.points.length.toLocaleString('en')} points` +
          (nonFinite.length > 0 ? `; params ${nonFinite.join(', ')}` : '')
        )
      },
    }
  }

/** Reads a file that must be rejected; times how long the rejection takes. */
export const rejectResults =
  (fixture: FixtureName, expectedMessage: RegExp): Workload =>
  async ({ fixtureDir }) => {
    const file = workspaceFile(join(fixtureDir, FIXTURE_FILES[fixture]))
    let error: unknown
    return {
      run: () => {
        try {
          readTrainingResults(file, BUSINESS)
        } catch (e) {
          error = e
        }
      },
      check: () => {
        if (!(error instanceof InputError) || !expectedMessage.test(error.message)) {
          throw new Error(`expected an InputError matching ${expectedMessage}, got ${String(error)}`)
        }
        return `${megabytes(file.size)}; rejected: ${error.message.replace(/^results: /, '')}`
      },
    }
  }
