// The parts of the report (SPEC section 7), as markdown blocks. Every string that came from a run,
// a file, a branch or the inputs goes through escapeInline/escapeCell.
import type { MetricDelta, MetricStatus, ParamChange } from '../compare/comparison.js'
import type { BusinessSettings } from '../inputs/inputs.js'
import type { Run } from '../mlflow/entities.js'
import type { Block, TableBlock, TableRow } from './document.js'
import { escapeCell, escapeInline, shorten } from './escape.js'
import {
  formatMoney,
  formatNumber,
  formatRate,
  formatSigned,
  formatSignedPercent,
  formatTolerance,
  isMoneyMetric,
} from './format.js'
import type { ReportContext } from './report-context.js'
import { safeHref } from './safe-url.js'

/** Longest untrusted strings shown, in characters before escaping (MLflow keys go up to 250). */
export const DISPLAY_LIMITS = { name: 250, paramValue: 250, title: 250, reason: 1000, notice: 2000, short: 40 }

const NOT_SET = '_not set_'
const NONE = '—'

// Rows are shown, and kept when cutting, in this order.
const STATUS_RANK: Record<MetricStatus, number> = {
  regressed: 0,
  improved: 1,
  new: 2,
  removed: 3,
  'within-tolerance': 4,
  informational: 5,
}
const PARAM_RANK = 6

const text = (value: string, limit: number): string => escapeInline(shorten(value, limit))

export function title(context: ReportContext, limit = DISPLAY_LIMITS.title): string {
  const experiment = text(context.experimentName, limit)
  if (!context.baseline) return `## MLflow report · ${experiment} · no baseline`
  const version = context.baseline.version === undefined ? '' : ` (version ${text(context.baseline.version, DISPLAY_LIMITS.short)})`
  return `## MLflow report · ${experiment} vs ${text(context.baseline.label, limit)}${version}`
}

function countsText(counts: Record<MetricStatus, number>): string {
  const parts = [`${counts.improved} improved`, `${counts.regressed} regressed`, `${counts['within-tolerance']} within tolerance`]
  if (counts.new > 0) parts.push(`${counts.new} new`)
  if (counts.removed > 0) parts.push(`${counts.removed} removed`)
  if (counts.informational > 0) parts.push(`${counts.informational} informational`)
  return parts.join(', ')
}

export function verdictLine(context: ReportContext, reasonLimit = DISPLAY_LIMITS.reason): string {
  const { comparison } = context
  switch (comparison.verdict) {
    case 'better':
      return `✅ **Better**: ${countsText(comparison.counts)}`
    case 'worse':
      return `❌ **Worse**: ${countsText(comparison.counts)}`
    case 'unchanged':
      return `➖ **Unchanged**: ${countsText(comparison.counts)}`
    case 'no-baseline': {
      const asked = context.baselineLabel ? ` for ${text(context.baselineLabel, DISPLAY_LIMITS.name)}` : ''
      const reason = context.baselineMissing
        ? text(context.baselineMissing.trim().replace(/\.+$/, ''), reasonLimit)
        : 'none is configured (set `model-name` or `baseline`)'
      const shown = comparison.metrics.length + comparison.business.length
      return `🆕 **No baseline**${asked}: ${reason}. The candidate's ${shown} metrics are shown alone.`
    }
  }
}

const MAX_LISTED_REGRESSIONS = 10

/** Names the regressed metrics, so they survive even when the tables are cut. */
export function regressionsLine(context: ReportContext): string {
  const { regressions } = context.comparison
  if (regressions.length === 0) return ''
  const listed = regressions.slice(0, MAX_LISTED_REGRESSIONS).map((metric) => {
    const change = metric.delta === undefined ? '' : ` (${deltaText(metric, context.business.currency)})`
    return text(metric.key, DISPLAY_LIMITS.name) + change
  })
  const more = regressions.length > MAX_LISTED_REGRESSIONS ? ` and ${regressions.length - MAX_LISTED_REGRESSIONS} more` : ''
  return `Regressed: ${listed.join(', ')}${more}.`
}

export function noticesBlock(notices: readonly string[] | undefined): string {
  if (!notices || notices.length === 0) return ''
  return notices.map((notice) => `> ℹ️ ${text(notice, DISPLAY_LIMITS.notice)}`).join('\n>\n')
}

function valueText(key: string, value: number | undefined, currency: string): string {
  if (value === undefined) return NONE
  return isMoneyMetric(key) ? formatMoney(value, currency) : formatNumber(value)
}

// Below this, a difference is float noise (0.1 + 0.2 − 0.3), shown as 0.
const NOISE = 1e-9

function isNoise(metric: MetricDelta): boolean {
  const scale = Math.max(Math.abs(metric.baseline ?? 0), Math.abs(metric.candidate ?? 0))
  return metric.delta !== undefined && Math.abs(metric.delta) <= NOISE * scale
}

function deltaText(metric: MetricDelta, currency: string): string {
  if (metric.delta === undefined) return NONE
  if (isNoise(metric)) return '0'
  return isMoneyMetric(metric.key) ? formatMoney(metric.delta, currency, true) : formatSigned(metric.delta)
}

function deltaPercentText(metric: MetricDelta): string {
  if (metric.deltaPercent === undefined) return NONE
  return isNoise(metric) ? '0%' : formatSignedPercent(metric.deltaPercent)
}

const isZeroTolerance = (metric: MetricDelta): boolean =>
  metric.tolerance.kind === 'absolute' ? metric.tolerance.value === 0 : metric.tolerance.fraction === 0

function mark(metric: MetricDelta): string {
  switch (metric.status) {
    case 'improved':
      return '✅ improved'
    case 'regressed':
      return '❌ regressed'
    case 'within-tolerance':
      if (metric.delta === 0 || isNoise(metric) || isZeroTolerance(metric)) return '➖ unchanged'
      return `➖ within ${formatTolerance(metric.tolerance)}`
    case 'new':
      return '🆕 new'
    case 'removed':
      return '🗑️ removed'
    case 'informational':
      return 'ℹ️ informational'
  }
}

function goalText(metric: MetricDelta): string {
  if (metric.goal === 'max') return '↑ higher is better'
  if (metric.goal === 'min') return '↓ lower is better'
  return 'ℹ️ informational'
}

function byStatus(metrics: readonly MetricDelta[]): MetricDelta[] {
  return metrics
    .map((metric, order) => ({ metric, order }))
    .sort((a, b) => STATUS_RANK[a.metric.status] - STATUS_RANK[b.metric.status] || a.order - b.order)
    .map(({ metric }) => metric)
}

function metricRow(metric: MetricDelta, hasBaseline: boolean, currency: string): TableRow {
  const name = escapeCell(shorten(metric.key, DISPLAY_LIMITS.name))
  const candidate = valueText(metric.key, metric.candidate, currency)
  const cells = hasBaseline
    ? [name, valueText(metric.key, metric.baseline, currency), candidate, deltaText(metric, currency), deltaPercentText(metric), mark(metric)]
    : [name, candidate, goalText(metric)]
  return { cells, rank: STATUS_RANK[metric.status] }
}

export function metricsTable(
  heading: string,
  metrics: readonly MetricDelta[],
  hasBaseline: boolean,
  currency: string,
  after?: string,
): TableBlock | '' {
  if (metrics.length === 0) return ''
  return {
    kind: 'table',
    before: `### ${heading}`,
    header: hasBaseline ? ['Metric', 'Baseline', 'Candidate', 'Δ', 'Δ %', 'Result'] : ['Metric', 'Candidate', 'Goal'],
    align: hasBaseline ? ['l', 'r', 'r', 'r', 'r', 'l'] : ['l', 'r', 'l'],
    rows: byStatus(metrics).map((metric) => metricRow(metric, hasBaseline, currency)),
    after,
    noun: heading.toLowerCase(),
  }
}

export function businessSettingsLine(business: BusinessSettings): string {
  return (
    `Business settings: customer lifetime value ${formatMoney(business.clv, business.currency)}` +
    ` · retention rate ${formatRate(business.retentionRate)}` +
    ` · contact cost ${formatMoney(business.contactCost, business.currency)}` +
    ` · currency ${text(business.currency, DISPLAY_LIMITS.short)}`
  )
}

function paramCell(value: string | undefined): string {
  return value === undefined ? NOT_SET : escapeCell(shorten(value, DISPLAY_LIMITS.paramValue))
}

export function paramsTable(changes: readonly ParamChange[]): TableBlock | '' {
  if (changes.length === 0) return ''
  return {
    kind: 'table',
    before: '### Params that differ',
    header: ['Param', 'Baseline', 'Candidate'],
    align: ['l', 'l', 'l'],
    rows: changes.map((change) => ({
      cells: [escapeCell(shorten(change.key, DISPLAY_LIMITS.name)), paramCell(change.baseline), paramCell(change.candidate)],
      rank: PARAM_RANK,
    })),
    noun: 'param changes',
  }
}

// Untrusted names stay outside link text: some renderers (marked) unescape brackets in link text.
function runLine(what: string, run: Run, url: string | undefined): string {
  const name = text(run.info.runName || run.info.runId, DISPLAY_LIMITS.name)
  const href = safeHref(url)
  return href ? `- [${what}](${href}): ${name}` : `- ${what}: ${name} (run ${text(run.info.runId, DISPLAY_LIMITS.name)})`
}

export function linksBlock(context: ReportContext): string {
  const lines = [runLine('Candidate run', context.candidate.run, context.candidate.url)]
  const { baseline } = context
  if (baseline) {
    let line = runLine('Baseline run', baseline.run, baseline.url)
    const versionHref = safeHref(baseline.modelVersionUrl)
    if (versionHref) {
      const version = baseline.version === undefined ? '' : ` ${text(baseline.version, DISPLAY_LIMITS.short)}`
      line += ` · [Model version](${versionHref})${version}`
    }
    lines.push(line)
  }
  const compareHref = safeHref(context.compareUrl)
  if (compareHref) lines.push(`- [Compare the runs in MLflow](${compareHref})`)
  return lines.join('\n')
}

export const CUT_EVERYTHING_NOTE = "_The rest of the report was cut to fit GitHub's comment limit._"

/** The report's blocks, most important first where it matters for cutting. */
export function reportBlocks(context: ReportContext, marker: string): Block[] {
  const hasBaseline = context.baseline !== undefined
  const { comparison, business } = context
  return [
    marker,
    title(context),
    verdictLine(context),
    regressionsLine(context),
    noticesBlock(context.notices),
    metricsTable('Metrics', comparison.metrics, hasBaseline, business.currency),
    metricsTable('Business metrics', comparison.business, hasBaseline, business.currency, businessSettingsLine(business)),
    paramsTable(comparison.paramChanges),
    linksBlock(context),
  ]
}

/** When not even the report without table rows fits: marker, a short title and the verdict. */
export function minimalBlocks(context: ReportContext, marker: string): Block[] {
  return [marker, title(context, DISPLAY_LIMITS.short), verdictLine(context, DISPLAY_LIMITS.short * 4), CUT_EVERYTHING_NOTE]
}
