import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { compareRuns } from '../../../src/compare/compare.js'
import type { MetricRules } from '../../../src/inputs/inputs.js'
import { commentMarker, renderReport, type ReportContext } from '../../../src/report/render.js'
import { bankChurnContext } from '../../fixtures/report/bank-churn.js'
import { cellText, tablesOf } from '../../fixtures/report/inspect-markdown.js'

const noRules: MetricRules = { exact: new Map(), globs: [] }

interface Shape {
  regressed?: number
  improved?: number
  within?: number
  params?: number
  nameLength?: number
}

/** A report with many metrics of each kind and many param changes. */
function bigContext({ regressed = 0, improved = 0, within = 0, params = 0, nameLength = 20 }: Shape): ReportContext {
  const candidate: Record<string, number> = {}
  const baseline: Record<string, number> = {}
  const name = (kind: string, i: number) => `${kind}_${String(i).padStart(6, '0')}_f1`.padEnd(nameLength, 'x')
  const add = (kind: string, count: number, before: number, after: number) => {
    for (let i = 0; i < count; i++) {
      baseline[name(kind, i)] = before
      candidate[name(kind, i)] = after
    }
  }
  add('r', regressed, 0.6, 0.5)
  add('i', improved, 0.6, 0.7)
  add('w', within, 0.6, 0.6)
  const candidateParams: Record<string, string> = {}
  const baselineParams: Record<string, string> = {}
  for (let i = 0; i < params; i++) {
    candidateParams[`param_${i}`] = 'new value '.repeat(5)
    baselineParams[`param_${i}`] = 'old value '.repeat(5)
  }
  return {
    ...bankChurnContext(),
    comparison: compareRuns(
      { metrics: candidate, params: candidateParams, tags: {} },
      { metrics: baseline, params: baselineParams, tags: {} },
      noRules,
    ),
  }
}

const rowNames = (markdown: string): string[] =>
  tablesOf(markdown).flatMap((table) => table.rows.map((row) => (row[0] ? cellText(row[0]) : '')))

describe('fitting in a comment', () => {
  test('a report that fits is not cut', () => {
    const markdown = renderReport(bigContext({ regressed: 3, within: 50, params: 10 }))
    assert.doesNotMatch(markdown, /cut to fit/)
    assert.equal(rowNames(markdown).length, 63)
  })

  test('param changes go first', () => {
    const context = bigContext({ regressed: 5, within: 100, params: 2000 })
    const markdown = renderReport(context, { maxLength: 20_000 })
    assert.ok(markdown.length <= 20_000)
    assert.match(markdown, /_… \d+ of 2000 param changes cut to fit GitHub's comment limit\._|_All 2000 param changes cut/)
    assert.doesNotMatch(markdown, /metrics cut/)
    assert.equal(rowNames(markdown).filter((name) => /^[rw]_/.test(name)).length, 105)
  })

  test('then within-tolerance rows, keeping regressions and improvements', () => {
    const markdown = renderReport(bigContext({ regressed: 20, improved: 20, within: 3000, params: 300 }))
    assert.ok(markdown.length <= 65_536)
    assert.match(markdown, /_All 300 param changes cut to fit GitHub's comment limit\._/)
    const cut = /_… (\d+) of 3040 metrics cut to fit GitHub's comment limit\._/.exec(markdown)
    assert.ok(cut, 'says how many metric rows were cut')
    const names = rowNames(markdown)
    assert.equal(names.filter((name) => name.startsWith('r_')).length, 20)
    assert.equal(names.filter((name) => name.startsWith('i_')).length, 20)
    assert.equal(names.filter((name) => name.startsWith('w_')).length, 3000 - Number(cut[1]))
    // It uses the room it has: one more row would not fit.
    assert.ok(markdown.length > 65_536 - 100)
  })

  test('regressions are the last rows cut, and still named in the verdict', () => {
    const markdown = renderReport(bigContext({ regressed: 5000, within: 10 }), { maxLength: 10_000 })
    assert.ok(markdown.length <= 10_000)
    const names = rowNames(markdown)
    assert.ok(names.length > 0 && names.every((name) => name.startsWith('r_')))
    assert.match(markdown, /^❌ \*\*Worse\*\*: 0 improved, 5000 regressed, 10 within tolerance$/m)
    assert.match(markdown, /^Regressed: r_000000_f1x* \(−0\.1\), .* and 4990 more\.$/m)
    assert.match(markdown, /_… \d+ of 5010 metrics cut to fit/)
  })

  test('absurd inputs still fit: marker, title and verdict survive', () => {
    const context: ReportContext = {
      ...bigContext({ regressed: 20, within: 20, nameLength: 250 }),
      experimentName: '&'.repeat(100_000),
      notices: Array.from({ length: 50 }, () => '<'.repeat(5_000)),
      baselineMissing: '#'.repeat(100_000),
    }
    if (context.baseline) context.baseline.label = '@'.repeat(100_000)
    for (const maxLength of [1_000, 1_500, 4_000, 65_536]) {
      const markdown = renderReport(context, { maxLength })
      assert.ok(markdown.length <= maxLength, `${markdown.length} > ${maxLength}`)
      assert.ok(markdown.startsWith(commentMarker(context.commentKey) + '\n'))
      assert.match(markdown, /^## MLflow report · /m)
      assert.match(markdown, /^❌ \*\*Worse\*\*: 0 improved, 20 regressed, 20 within tolerance$/m)
    }
    assert.match(renderReport(context, { maxLength: 1_000 }), /The rest of the report was cut to fit GitHub's comment limit/)
  })

  test('a limit below 1,000 is refused', () => {
    assert.throws(() => renderReport(bankChurnContext(), { maxLength: 999 }), RangeError)
    assert.throws(() => renderReport(bankChurnContext(), { maxLength: Number.NaN }), RangeError)
  })

  test('property: never over the limit, tables always whole', () => {
    fc.assert(
      fc.property(
        fc.record({
          regressed: fc.nat(300),
          improved: fc.nat(300),
          within: fc.nat(1500),
          params: fc.nat(500),
          nameLength: fc.integer({ min: 10, max: 250 }),
        }),
        fc.integer({ min: 1_000, max: 40_000 }),
        (shape, maxLength) => {
          const markdown = renderReport(bigContext(shape), { maxLength })
          assert.ok(markdown.length <= maxLength)
          assert.ok(markdown.startsWith('<!-- mlflow-pr-report:bankchurn -->\n'))
          for (const table of tablesOf(markdown)) {
            assert.ok(table.rows.every((row) => row.length === table.header.length))
          }
        },
      ),
      { numRuns: 60 },
    )
  })
})
