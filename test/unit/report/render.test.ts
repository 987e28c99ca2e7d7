import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { compareRuns } from '../../../src/compare/compare.js'
import type { MetricRules } from '../../../src/inputs/inputs.js'
import { commentMarker, renderReport, type ReportContext } from '../../../src/report/render.js'
import { bankChurnContext, baselineRun, business, candidateRun, run } from '../../fixtures/report/bank-churn.js'
import { cellText, tablesOf } from '../../fixtures/report/inspect-markdown.js'

const ZWSP = '\u200B'
const noRules: MetricRules = { exact: new Map(), globs: [] }

/** Each table as its header texts and rows of cell texts. */
function tables(markdown: string): Array<{ header: string[]; rows: string[][] }> {
  return tablesOf(markdown).map((table) => ({
    header: table.header.map(cellText),
    rows: table.rows.map((row) => row.map(cellText)),
  }))
}

function row(markdown: string, first: string): string[] | undefined {
  return tables(markdown)
    .flatMap((table) => table.rows)
    .find((cells) => cells[0] === first)
}

describe('the bank churn report', () => {
  const markdown = renderReport(bankChurnContext())
  const lines = markdown.split('\n')

  test('starts with the marker, then the title naming experiment, baseline and version', () => {
    assert.equal(lines[0], '<!-- mlflow-pr-report:bankchurn -->')
    assert.ok(lines.includes(`## MLflow report · bankchurn vs BankChurnClassifier@${ZWSP}champion (version 7)`))
  })

  test('a one-line verdict with counts', () => {
    assert.ok(lines.includes('✅ **Better**: 8 improved, 0 regressed, 3 within tolerance, 1 informational'))
  })

  test('the metrics table', () => {
    const [metrics] = tables(markdown)
    assert.deepEqual(metrics?.header, ['Metric', 'Baseline', 'Candidate', 'Δ', 'Δ %', 'Result'])
    assert.equal(metrics?.rows.length, 7)
    assert.deepEqual(row(markdown, 'test_f1'), ['test_f1', '0.57', '0.61', '+0.04', '+7.0%', '✅ improved'])
    assert.deepEqual(row(markdown, 'test_log_loss'), ['test_log_loss', '0.352', '0.3411', '−0.0109', '−3.1%', '✅ improved'])
    assert.deepEqual(row(markdown, 'cv_roc_auc_mean'), ['cv_roc_auc_mean', '0.846', '0.85', '+0.004', '+0.47%', '➖ within ±2%'])
    assert.deepEqual(row(markdown, 'test_accuracy'), ['test_accuracy', '0.859', '0.8612', '+0.0022', '+0.26%', '➖ within ±0.005'])
    assert.deepEqual(row(markdown, 'cv_f1_std'), ['cv_f1_std', '0.031', '0.02', '−0.011', '−35.5%', 'ℹ️ informational'])
  })

  test('the business table, with money in the currency, and the settings used', () => {
    const business = tables(markdown)[1]
    assert.deepEqual(
      business?.rows.map((cells) => cells[0]),
      // Improvements first, then what stayed within tolerance.
      ['biz_detected_churners', 'biz_missed_churners', 'biz_saved_customers', 'biz_saved_revenue_usd', 'biz_false_positives'],
    )
    assert.deepEqual(row(markdown, 'biz_saved_revenue_usd'), [
      'biz_saved_revenue_usd',
      '$133,170',
      '$144,210',
      '+$11,040',
      '+8.3%',
      '✅ improved',
    ])
    assert.deepEqual(row(markdown, 'biz_missed_churners'), ['biz_missed_churners', '214', '198', '−16', '−7.5%', '✅ improved'])
    assert.ok(
      lines.includes(
        'Business settings: customer lifetime value $2,300 · retention rate 30% · contact cost $0 · currency USD',
      ),
    )
  })

  test('the params that differ', () => {
    const params = tables(markdown)[2]
    assert.deepEqual(params, { header: ['Param', 'Baseline', 'Candidate'], rows: [['model.n_estimators', '100', '200']] })
  })

  test('links to both runs, the model version and the compare view', () => {
    assert.match(markdown, /^- \[Candidate run\]\(https:\/\/mlflow\.example\.com\/#\/experiments\/\d+\/runs\/f9e8[0-9a-f]+\): pr-12-abc1234$/m)
    assert.match(
      markdown,
      /^- \[Baseline run\]\(https:\/\/[^)]+0a1b[^)]+\): main-4c1d2e9 · \[Model version\]\(https:\/\/mlflow\.example\.com\/#\/models\/BankChurnClassifier\/versions\/7\) 7$/m,
    )
    assert.match(markdown, /- \[Compare the runs in MLflow\]\(https:\/\/mlflow\.example\.com\/#\/compare-runs\?runs=%5B%22f9e8/)
  })

  test('is deterministic', () => {
    assert.equal(renderReport(bankChurnContext()), markdown)
  })
})

describe('verdicts and sections', () => {
  function contextWith(candidate: Record<string, number>, baseline: Record<string, number>): ReportContext {
    const context = bankChurnContext()
    context.comparison = compareRuns(
      { ...candidateRun.data, metrics: candidate },
      { ...baselineRun.data, metrics: baseline },
      noRules,
    )
    return context
  }

  test('worse: the verdict, the regressions named, regressed rows first', () => {
    const markdown = renderReport(
      contextWith({ a_f1: 0.5, b_f1: 0.9, c_loss: 0.2, d_auc: 0.7 }, { a_f1: 0.6, b_f1: 0.8, c_loss: 0.1, d_auc: 0.7 }),
    )
    assert.match(markdown, /^❌ \*\*Worse\*\*: 1 improved, 2 regressed, 1 within tolerance$/m)
    assert.match(markdown, /^Regressed: a_f1 \(−0\.1\), c_loss \(\+0\.1\)\.$/m)
    assert.deepEqual(
      tables(markdown)[0]?.rows.map((cells) => [cells[0], cells[5]]),
      [
        ['a_f1', '❌ regressed'],
        ['c_loss', '❌ regressed'],
        ['b_f1', '✅ improved'],
        ['d_auc', '➖ unchanged'],
      ],
    )
  })

  test('unchanged', () => {
    const markdown = renderReport(contextWith({ a_f1: 0.5 }, { a_f1: 0.5 }))
    assert.match(markdown, /^➖ \*\*Unchanged\*\*: 0 improved, 0 regressed, 1 within tolerance$/m)
  })

  test('new and removed metrics', () => {
    const markdown = renderReport(contextWith({ a_f1: 0.5 }, { b_f1: 0.5 }))
    assert.match(markdown, /0 within tolerance, 1 new, 1 removed$/m)
    assert.deepEqual(row(markdown, 'a_f1'), ['a_f1', '—', '0.5', '—', '—', '🆕 new'])
    assert.deepEqual(row(markdown, 'b_f1'), ['b_f1', '0.5', '—', '—', '—', '🗑️ removed'])
  })

  test('no business section without business metrics, no params section without changes', () => {
    const context = contextWith({ a_f1: 0.5 }, { a_f1: 0.4 })
    context.comparison.paramChanges = []
    const markdown = renderReport(context)
    assert.equal(tables(markdown).length, 1)
    assert.doesNotMatch(markdown, /Business|Params that differ/)
  })

  test('another currency', () => {
    const context = bankChurnContext()
    context.business = { ...business, currency: 'EUR', contactCost: 5 }
    const markdown = renderReport(context)
    assert.deepEqual(row(markdown, 'biz_saved_revenue_usd')?.slice(1, 4), ['133,170 EUR', '144,210 EUR', '+11,040 EUR'])
    assert.match(markdown, /customer lifetime value 2,300 EUR · retention rate 30% · contact cost 5 EUR · currency EUR/)
  })

  test('notices are shown, escaped', () => {
    const context = bankChurnContext()
    context.notices = ['register-if: better — not registered because @alice broke #3']
    const markdown = renderReport(context)
    assert.ok(
      markdown.includes(`> ℹ️ register-if: better — not registered because @${ZWSP}alice broke \\#${ZWSP}3`),
    )
  })

  test('without URLs the runs are named with their ids; non-http URLs are not linked', () => {
    const context = bankChurnContext()
    context.candidate.url = undefined
    context.compareUrl = 'javascript:alert(1)'
    if (context.baseline) context.baseline.modelVersionUrl = undefined
    const markdown = renderReport(context)
    assert.match(markdown, /^- Candidate run: pr-12-abc1234 \(run f9e8d7c6b5a4039281706f5e4d3c2b1a\)$/m)
    assert.doesNotMatch(markdown, /javascript|Compare the runs|Model version/)
  })
})

describe('no baseline', () => {
  const context: ReportContext = {
    ...bankChurnContext(),
    baseline: undefined,
    baselineLabel: 'BankChurnClassifier@champion',
    baselineMissing: 'alias champion of BankChurnClassifier not found.',
    compareUrl: undefined,
    comparison: compareRuns(candidateRun.data, undefined, noRules),
  }
  const markdown = renderReport(context)

  test('says why, and is not an error', () => {
    assert.match(markdown, /^## MLflow report · bankchurn · no baseline$/m)
    assert.ok(
      markdown.includes(
        `🆕 **No baseline** for BankChurnClassifier@${ZWSP}champion: alias champion of BankChurnClassifier not found. The candidate's 12 metrics are shown alone.`,
      ),
    )
  })

  test('shows the candidate alone, with each goal', () => {
    const [metrics, businessTable] = tables(markdown)
    assert.deepEqual(metrics?.header, ['Metric', 'Candidate', 'Goal'])
    assert.equal(metrics?.rows.length, 7)
    assert.deepEqual(row(markdown, 'test_log_loss'), ['test_log_loss', '0.3411', '↓ lower is better'])
    assert.deepEqual(row(markdown, 'cv_f1_std'), ['cv_f1_std', '0.02', 'ℹ️ informational'])
    assert.deepEqual(row(markdown, 'biz_saved_revenue_usd'), ['biz_saved_revenue_usd', '$144,210', '↑ higher is better'])
    assert.equal(businessTable?.rows.length, 5)
    assert.equal(tables(markdown).length, 2)
  })

  test('links the candidate run only', () => {
    assert.match(markdown, /^- \[Candidate run\]\(https:[^)]+\): pr-12-abc1234$/m)
    assert.doesNotMatch(markdown, /Baseline run|Compare the runs/)
  })

  test('without a reason it says none is configured', () => {
    const bare = renderReport({ ...context, baselineLabel: undefined, baselineMissing: undefined })
    assert.match(bare, /^🆕 \*\*No baseline\*\*: none is configured \(set `model-name` or `baseline`\)\./m)
  })
})

describe('commentMarker', () => {
  test('a readable key stays readable', () => {
    assert.equal(commentMarker('bankchurn'), '<!-- mlflow-pr-report:bankchurn -->')
    assert.equal(commentMarker('team.model_v2-a'), '<!-- mlflow-pr-report:team.model_v2-a -->')
  })

  test('anything else is encoded so it cannot close the comment', () => {
    const marker = commentMarker('x --> <script> --!> %41')
    assert.equal(marker, '<!-- mlflow-pr-report:x%20--%3E%20%3Cscript%3E%20--%21%3E%20%2541 -->')
    assert.equal(marker.indexOf('>'), marker.length - 1)
  })

  test('different keys never share a marker, and one marker is never inside another', () => {
    const keys = ['a', 'a ', 'a%20', 'A', '\uD800', '\uFFFD', '%uD800', 'x'.repeat(300), 'x'.repeat(301), '#sha256:ab']
    const markers = keys.map(commentMarker)
    assert.equal(new Set(markers).size, keys.length)
    for (const [i, a] of markers.entries()) {
      for (const [j, b] of markers.entries()) if (i !== j) assert.ok(!b.includes(a), `${a} inside ${b}`)
    }
  })

  test('a long key is hashed to a bounded marker', () => {
    const marker = commentMarker('é'.repeat(10_000))
    assert.match(marker, /^<!-- mlflow-pr-report:#sha256:[0-9a-f]{64} -->$/)
    assert.equal(marker, commentMarker('é'.repeat(10_000)))
  })

  test('the report starts with the marker of its comment key', () => {
    const context = { ...bankChurnContext(), commentKey: 'churn model <2>' }
    assert.ok(renderReport(context).startsWith(commentMarker('churn model <2>') + '\n'))
  })
})
