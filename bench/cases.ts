// Every benchmark case, by suite. A suite or a case id can be run on its own: `npm run bench -- results`.
import { HISTORY_LISTS, HISTORY_STEPS, MAPPING_KEYS, type FixtureName } from './fixtures.js'
import type { Workload } from './workload.js'

export const SUITES = ['results', 'chunk', 'report', 'upload', 'cli'] as const
export type Suite = (typeof SUITES)[number]

interface CaseBase {
  id: string
  suite: Suite
  /** What is measured, for the table. */
  label: string
  repetitions: number
  fixtures: FixtureName[]
}

/** Measured in a fresh child process per repetition (child.ts). */
export interface WorkloadCase extends CaseBase {
  kind: 'workload'
  /** Imported in the child only, so the parent process never loads src/. */
  load: () => Promise<Workload>
}

/** `node dist/cli.js` itself, timed from spawn to exit (cli-runs.ts). */
export interface CliCase extends CaseBase {
  kind: 'cli'
}

export type BenchCase = WorkloadCase | CliCase

// The seed shape's non-history points: cv_f1, cv_f1_std, 5 folds, cv_roc_auc_mean, 3 test_ metrics, 5 biz_ metrics.
const SEED_POINTS = HISTORY_LISTS * HISTORY_STEPS + 16
const historyLabel = `${HISTORY_LISTS} × ${HISTORY_STEPS / 1000}k-step history`

export const CASES: BenchCase[] = [
  {
    kind: 'workload',
    id: 'results/seed',
    suite: 'results',
    label: `readTrainingResults: seed shape, ${historyLabel}`,
    repetitions: 3,
    fixtures: ['seed'],
    load: async () => (await import('./workloads/results.js')).readResults('seed', SEED_POINTS),
  },
  {
    kind: 'workload',
    id: 'results/seed-nan',
    suite: 'results',
    label: `readTrainingResults: seed shape, ${historyLabel}, NaN/Infinity tokens in params`,
    repetitions: 3,
    fixtures: ['seed-nan-params'],
    load: async () => (await import('./workloads/results.js')).readResults('seed-nan-params', SEED_POINTS),
  },
  {
    kind: 'workload',
    id: 'results/seed-nan-rejected',
    suite: 'results',
    label: `readTrainingResults: seed shape, ${historyLabel}, last point NaN (rejected)`,
    repetitions: 3,
    fixtures: ['seed-nan-history'],
    load: async () => (await import('./workloads/results.js')).rejectResults('seed-nan-history', /expected a finite number, got NaN/),
  },
  {
    kind: 'workload',
    id: 'results/mapping',
    suite: 'results',
    label: `readTrainingResults: DVC mapping, ${MAPPING_KEYS / 1000}k keys`,
    repetitions: 3,
    fixtures: ['mapping'],
    load: async () => (await import('./workloads/results.js')).readResults('mapping', MAPPING_KEYS),
  },
  {
    kind: 'workload',
    id: 'chunk/log-batch',
    suite: 'chunk',
    label: 'chunkLogBatch: 300k metric points',
    repetitions: 3,
    fixtures: [],
    load: async () => (await import('./workloads/chunk.js')).chunkBatch(300_000),
  },
  {
    kind: 'workload',
    id: 'report/wide',
    suite: 'report',
    label: 'compareRuns + renderReport: 5k metrics, 2k params',
    repetitions: 3,
    fixtures: [],
    load: async () => (await import('./workloads/report.js')).compareAndRender(5_000, 2_000),
  },
  {
    kind: 'workload',
    id: 'upload/proxy',
    suite: 'upload',
    label: 'ProxiedArtifactRepository.logFile: 200 MiB to a local HTTP server',
    repetitions: 3,
    fixtures: ['big-file'],
    load: async () => (await import('./workloads/upload.js')).uploadThroughProxy,
  },
  {
    kind: 'workload',
    id: 'upload/file-store',
    suite: 'upload',
    label: 'file store artifacts().logFile: 200 MiB copy',
    repetitions: 3,
    fixtures: ['big-file'],
    load: async () => (await import('./workloads/upload.js')).copyIntoFileStore,
  },
  {
    kind: 'cli',
    id: 'cli/file-store',
    suite: 'cli',
    label: 'node dist/cli.js: bank-churn results into a file: store',
    repetitions: 5,
    fixtures: ['cli-workspace'],
  },
]
