// Comparing two wide runs and rendering the report, which must be trimmed to GitHub's comment limit.
import { compareRuns } from '../../src/compare/compare.js'
import type { Comparison } from '../../src/compare/comparison.js'
import type { MetricRules } from '../../src/inputs/inputs.js'
import type { Run, RunData } from '../../src/mlflow/entities.js'
import { GITHUB_COMMENT_LIMIT, renderReport, type ReportContext } from '../../src/report/render.js'
import type { Workload } from '../workload.js'

// Names whose goal the report infers (max, min or informational), so every row kind appears.
const SUFFIXES = ['f1', 'accuracy', 'loss', 'rmse', 'f1_std', 'throughput']

function runOf(id: string, data: RunData): Run {
  return {
    info: {
      runId: id.padEnd(32, '0'),
      experimentId: '1',
      runName: `bench-${id}`,
      status: 'FINISHED',
      startTime: 1_700_000_000_000,
      endTime: 1_700_000_060_000,
      artifactUri: `mlflow-artifacts:/1/${id}/artifacts`,
      lifecycleStage: 'active',
      userId: 'bench',
    },
    data,
  }
}

function wideRuns(metricCount: number, paramCount: number): { candidate: Run; baseline: Run } {
  const candidate: RunData = { metrics: {}, params: {}, tags: {} }
  const baseline: RunData = { metrics: {}, params: {}, tags: {} }
  for (let i = 0; i < metricCount; i++) {
    const key = i % 100 === 0 ? `biz_segment_${i}_saved_revenue_usd` : `task_${i}_${SUFFIXES[i % SUFFIXES.length]}`
    const value = 0.5 + ((i * 7919) % 1000) / 2000
    // A few metrics on one side only (new/removed); the rest move up, down or not at all.
    if (i % 97 !== 1) baseline.metrics[key] = value
    if (i % 89 !== 2) candidate.metrics[key] = value + ((i % 3) - 1) * 0.01
  }
  for (let i = 0; i < paramCount; i++) {
    const key = `model.layer_${i}.setting`
    baseline.params[key] = `value ${i}`
    if (i % 2 === 0) candidate.params[key] = `value ${i + 1}`
    else if (i % 5 !== 0) candidate.params[key] = `value ${i}`
  }
  return { candidate: runOf('c', candidate), baseline: runOf('b', baseline) }
}

export const compareAndRender =
  (metricCount: number, paramCount: number): Workload =>
  async () => {
    const { candidate, baseline } = wideRuns(metricCount, paramCount)
    const rules: MetricRules = {
      exact: new Map([['task_0_f1', { goal: 'max', tolerance: { kind: 'absolute', value: 0.01 } }]]),
      globs: [{ pattern: 'task_*_rmse', rule: { goal: 'min', tolerance: { kind: 'relative', fraction: 0.02 } } }],
    }
    let comparison: Comparison | undefined
    let context: ReportContext | undefined
    let markdown = ''
    let compareMs = 0
    return {
      run: () => {
        const start = performance.now()
        comparison = compareRuns(candidate.data, baseline.data, rules)
        compareMs = performance.now() - start
        context = {
          experimentName: 'bank-churn',
          commentKey: 'bank-churn',
          candidate: { run: candidate, url: 'https://mlflow.example.com/#/experiments/1/runs/c' },
          baseline: {
            label: 'BankChurnClassifier@champion',
            version: '7',
            run: baseline,
            url: 'https://mlflow.example.com/#/experiments/1/runs/b',
            modelVersionUrl: 'https://mlflow.example.com/#/models/BankChurnClassifier/versions/7',
          },
          compareUrl: 'https://mlflow.example.com/#/compare-runs?runs=["c","b"]',
          comparison,
          business: { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' },
        }
        markdown = renderReport(context)
      },
      check: () => {
        if (!comparison || !context) throw new Error('nothing rendered')
        if (markdown.length > GITHUB_COMMENT_LIMIT) throw new Error(`the report has ${markdown.length} characters`)
        const untrimmed = renderReport(context, { maxLength: Number.MAX_SAFE_INTEGER }).length
        if (untrimmed <= GITHUB_COMMENT_LIMIT) throw new Error(`the untrimmed report (${untrimmed} chars) needs no trimming`)
        const rows = comparison.metrics.length + comparison.business.length
        return (
          `${rows.toLocaleString('en')} metric rows, ${comparison.paramChanges.length.toLocaleString('en')} param changes; ` +
          `compare ${compareMs.toFixed(0)} ms; ${untrimmed.toLocaleString('en')} chars trimmed to ${markdown.length.toLocaleString('en')}`
        )
      },
    }
  }
