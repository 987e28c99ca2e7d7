// Property tests: whatever a run, a file, a branch or the inputs hold, the report's markdown keeps its
// shape and cannot mention, link, inject HTML or fake the comment marker.
import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { compareRuns } from '../../../src/compare/compare.js'
import type { MetricRules } from '../../../src/inputs/inputs.js'
import type { RunData } from '../../../src/mlflow/entities.js'
import { escapeCell, escapeInline, shorten } from '../../../src/report/escape.js'
import { commentMarker, renderReport, type ReportContext } from '../../../src/report/render.js'
import { business, run } from '../../fixtures/report/bank-churn.js'
import { cellText, htmlTags, lex, tablesOf, toHtml, visibleText } from '../../fixtures/report/inspect-markdown.js'

const noRules: MetricRules = { exact: new Map(), globs: [] }

const HOSTILE_PIECES = [
  '|', '\\|', '\\', '\n', '\r\n', '\r', '\u2028', '\t', ' ', '    ',
  '@user', '@', 'a@b.co', '#12', '#', 'GH-12', 'gh-7', 'owner/repo#12', 'org/repo@abc1234',
  '<script>', '</td>', '<img src=x onerror=alert(1)>', '<br>', '<!--', '-->', '--!>',
  '<!-- mlflow-pr-report:k -->', '`', '``', '```', '[a](javascript:x)', '![x](http://y)', '[x]: http://y', '[^1]',
  '*', '**', '_', '__', '~~', '&', '&amp;', '&#64;', '&#x40;', '$x$', '$$',
  'https://evil.example', 'www.evil.example', 'a', 'Z', '0', '1.', '- ', '+ ', '> ', '=', '---', '|---|',
  ':smile:', '\u200B', '\u202E', '\u0000', '\uD800', 'é', '😀',
]
const hostile = fc.array(fc.constantFrom(...HOSTILE_PIECES), { maxLength: 8 }).map((pieces) => pieces.join(''))
const anyCodePoints = fc.string({ unit: 'binary', maxLength: 30 })
const anyCodeUnits = fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((code) => String.fromCharCode(code)), maxLength: 20 })
const untrusted = fc.oneof(hostile, anyCodePoints, anyCodeUnits)

const value = fc.option(fc.oneof(fc.double(), fc.integer({ min: -1e6, max: 1e6 })), { nil: undefined })
const url = fc.option(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), untrusted, fc.constant('javascript:alert(1)')), {
  nil: undefined,
})

const scenario = fc.record({
  experimentName: untrusted,
  commentKey: untrusted,
  label: untrusted,
  version: fc.option(untrusted, { nil: undefined }),
  candidateRunName: untrusted,
  baselineRunName: untrusted,
  runId: untrusted,
  notices: fc.array(untrusted, { maxLength: 3 }),
  metrics: fc.uniqueArray(
    fc.record({ business: fc.boolean(), key: untrusted, baseline: value, candidate: value }),
    { maxLength: 8, selector: (metric) => (metric.business ? 'biz_' : '') + metric.key },
  ),
  baselineParams: fc.uniqueArray(fc.tuple(untrusted, untrusted), { maxLength: 5, selector: ([key]) => key }),
  candidateParams: fc.uniqueArray(fc.tuple(untrusted, untrusted), { maxLength: 5, selector: ([key]) => key }),
  hasBaseline: fc.boolean(),
  baselineMissing: fc.option(untrusted, { nil: undefined }),
  currency: fc.oneof(fc.constant('USD'), untrusted),
  candidateUrl: url,
  baselineUrl: url,
  compareUrl: url,
  modelVersionUrl: url,
})
type Scenario = typeof scenario extends fc.Arbitrary<infer T> ? T : never

function runData(scenario: Scenario, side: 'baseline' | 'candidate'): RunData {
  const metrics: Record<string, number> = {}
  for (const metric of scenario.metrics) {
    const number = metric[side]
    if (number !== undefined) metrics[(metric.business ? 'biz_' : '') + metric.key] = number
  }
  const params = side === 'baseline' ? scenario.baselineParams : scenario.candidateParams
  return { metrics, params: Object.fromEntries(params), tags: {} }
}

function contextOf(scenario: Scenario): ReportContext {
  const candidate = runData(scenario, 'candidate')
  const baseline = scenario.hasBaseline ? runData(scenario, 'baseline') : undefined
  return {
    experimentName: scenario.experimentName,
    commentKey: scenario.commentKey,
    candidate: { run: run(scenario.runId, scenario.candidateRunName, candidate), url: scenario.candidateUrl },
    baseline: baseline && {
      label: scenario.label,
      version: scenario.version,
      run: run(scenario.runId, scenario.baselineRunName, baseline),
      url: scenario.baselineUrl,
      modelVersionUrl: scenario.modelVersionUrl,
    },
    baselineLabel: scenario.hasBaseline ? undefined : scenario.label,
    baselineMissing: scenario.hasBaseline ? undefined : scenario.baselineMissing,
    compareUrl: scenario.compareUrl,
    comparison: compareRuns(candidate, baseline, noRules),
    business: { ...business, currency: scenario.currency },
    notices: scenario.notices,
  }
}

/** What a reader should see of an untrusted string: one trimmed line, invisible characters aside. */
function expectedDisplay(text: string, limit: number): string {
  return shorten(text, limit)
    .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
    .replace(/[\u061C\u200B\u200E\u200F\u202A-\u202E\u2066-\u2069]/g, '')
    .replace(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g, ' ')
    .trim()
}
const seen = (text: string): string => text.replace(/\u200B/g, '').trim()
const sorted = (texts: string[]): string[] => [...texts].sort()

const ALLOWED_TAGS = new Set(
  ['h2', 'h3', 'p', 'strong', 'em', 'blockquote', 'table', 'thead', 'tbody', 'tr', 'th', 'td', 'ul', 'li', 'a', 'code'].flatMap(
    (tag) => [tag, `/${tag}`],
  ),
)

function checkReport(scenario: Scenario): void {
  const context = contextOf(scenario)
  const { comparison } = context
  const markdown = renderReport(context)
  const marker = commentMarker(scenario.commentKey)

  // Exactly one marker, at the start; nothing from the input reads as a comment opener.
  assert.ok(markdown.startsWith(marker + '\n'))
  assert.equal(markdown.split('<!--').length, 2)
  assert.equal(markdown.split('-->').length, 2)
  assert.equal(markdown.split('<!-- mlflow-pr-report:').length, 2)

  // The tables: the expected ones, each with its column count and row count.
  const hasBaseline = context.baseline !== undefined
  const header = hasBaseline ? ['Metric', 'Baseline', 'Candidate', 'Δ', 'Δ %', 'Result'] : ['Metric', 'Candidate', 'Goal']
  const expected = [
    { header, rows: comparison.metrics },
    { header, rows: comparison.business },
    { header: ['Param', 'Baseline', 'Candidate'], rows: comparison.paramChanges },
  ].filter((table) => table.rows.length > 0)
  const tables = tablesOf(markdown)
  assert.equal(tables.length, expected.length)
  tables.forEach((table, index) => {
    const want = expected[index]
    assert.ok(want)
    assert.deepEqual(table.header.map(cellText), want.header)
    assert.equal(table.rows.length, want.rows.length)
    for (const row of table.rows) assert.equal(row.length, want.header.length)
    // The first column reads as the untrusted key did.
    assert.deepEqual(
      sorted(table.rows.map((row) => seen(row[0] ? cellText(row[0]) : ''))),
      sorted(want.rows.map((item) => seen(expectedDisplay(item.key, 250)))),
    )
  })

  const html = toHtml(markdown)
  // No HTML from the input: only the tags markdown itself makes, one comment (the marker).
  const tags = htmlTags(html)
  assert.deepEqual(
    tags.filter((tag) => !ALLOWED_TAGS.has(tag)),
    ['!--'],
  )
  assert.ok(html.startsWith(marker))
  for (const href of html.matchAll(/<a [^>]*>/g)) assert.match(href[0], /^<a href="https?:\/\/[^"]*">$/)
  for (const code of html.matchAll(/<code>([^<]*)<\/code>/g)) assert.ok(['model-name', 'baseline'].includes(code[1] ?? ''))
  for (const emphasis of html.matchAll(/<em>([^<]*)<\/em>/g)) assert.equal(emphasis[1], 'not set')
  assert.equal(html.split('<strong>').length, 2)

  // No mentions, issue or commit references, or autolinked URLs in what a reader sees.
  const text = visibleText(html)
  assert.doesNotMatch(text, /@(?!\u200B)/)
  assert.doesNotMatch(text, /#(?!\u200B)/)
  assert.doesNotMatch(text, /\bgh-\d/i)
  assert.doesNotMatch(text, /:\/\//)
  assert.doesNotMatch(text, /\bwww\./i)
  // No raw HTML in the lexer's view either, apart from the marker.
  const html_tokens = lex(markdown).filter((token) => token.type === 'html')
  assert.deepEqual(
    html_tokens.map((token) => token.raw.trim()),
    [marker],
  )
}

describe('the report is safe with any untrusted strings', () => {
  test('property: tables, mentions, issue links, HTML and the marker', () => {
    fc.assert(fc.property(scenario, checkReport), { numRuns: 400 })
  })

  test('the hostile examples, one by one', () => {
    for (const piece of HOSTILE_PIECES) {
      checkReport({
        experimentName: piece,
        commentKey: piece,
        label: piece,
        version: piece,
        candidateRunName: piece,
        baselineRunName: piece,
        runId: piece,
        notices: [piece],
        metrics: [
          { business: false, key: piece, baseline: 1, candidate: 2 },
          { business: true, key: piece, baseline: 1, candidate: 2 },
        ],
        baselineParams: [[piece, '1']],
        candidateParams: [[piece, piece]],
        hasBaseline: true,
        baselineMissing: undefined,
        currency: piece,
        candidateUrl: `https://x.example/${piece}`,
        baselineUrl: piece,
        compareUrl: undefined,
        modelVersionUrl: undefined,
      })
    }
  })
})

describe('escapeCell keeps a one-cell table whole', () => {
  test('property: any string is one cell whose text reads as the string', () => {
    fc.assert(
      fc.property(untrusted, (text) => {
        const cell = escapeCell(text)
        const tables = tablesOf(`| a | b |\n| - | - |\n| ${cell} | x |\n`)
        assert.equal(tables.length, 1)
        const [row] = tables[0]?.rows ?? []
        assert.equal(row?.length, 2)
        assert.equal(seen(row?.[0] ? cellText(row[0]) : ''), seen(expectedDisplay(text, Number.POSITIVE_INFINITY)))
        assert.equal(row?.[1] ? cellText(row[1]) : '', 'x')
      }),
      { numRuns: 1000 },
    )
  })

  test('property: escapeInline at the start of a line starts no block', () => {
    fc.assert(
      fc.property(untrusted, (text) => {
        const escaped = escapeInline(text)
        const tokens = lex(escaped).filter((token) => token.type !== 'space')
        if (escaped === '') return
        assert.deepEqual(
          tokens.map((token) => token.type),
          ['paragraph'],
        )
      }),
      { numRuns: 1000 },
    )
  })
})
