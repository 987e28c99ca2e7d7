// Numbers for reading, the same on every machine (always 'en-US', never the runner's locale).
//
// Metric values are shown as logged (accuracy 0.8612, not 86.12%): turning rates into percentages
// would make Δ (then in percentage points) easy to confuse with Δ %. Only the `business` settings'
// retention rate is shown as a percentage.
import type { Tolerance } from '../inputs/inputs.js'
import { escapeInline } from './escape.js'

const MINUS = '\u2212'

const integerFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const significantFormat = new Intl.NumberFormat('en-US', { maximumSignificantDigits: 4 })

function scientific(value: number): string {
  const [mantissa = '', exponent = ''] = value.toExponential(3).split('e')
  const trimmed = mantissa.replace(/\.?0+$/, '')
  return `${trimmed}e${exponent.replace('+', '')}`
}

function magnitude(value: number): string {
  if (value >= 1e15 || (value > 0 && value < 1e-4)) return scientific(value)
  if (value >= 1000 || Number.isInteger(value)) return integerFormat.format(value)
  return significantFormat.format(value)
}

/** 0.8612, 12.35, 1,234, 144,210, 1.5e−7, NaN, ∞. Negative numbers take a real minus sign. */
export function formatNumber(value: number): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === 0) return '0'
  const sign = value < 0 ? MINUS : ''
  if (!Number.isFinite(value)) return `${sign}∞`
  return sign + magnitude(Math.abs(value)).replace('-', MINUS)
}

/** +0.04, −0.01, 0. */
export function formatSigned(value: number, format: (magnitude: number) => string = formatNumber): string {
  if (Number.isNaN(value)) return 'NaN'
  if (value === 0) return '0'
  return (value > 0 ? '+' : MINUS) + format(Math.abs(value))
}

/** A percentage with its sign: +6.6%, −7.0%, +150%, +0.012%, +<0.01%. */
export function formatSignedPercent(percent: number): string {
  if (Number.isNaN(percent)) return 'NaN'
  if (percent === 0) return '0%'
  const sign = percent > 0 ? '+' : MINUS
  const size = Math.abs(percent)
  if (!Number.isFinite(size)) return `${sign}∞`
  if (size < 0.01) return `${sign}<0.01%`
  const digits =
    size >= 100
      ? integerFormat.format(size)
      : size >= 1
        ? new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(size)
        : new Intl.NumberFormat('en-US', { maximumSignificantDigits: 2 }).format(size)
  return `${sign}${digits}%`
}

/** 0.3 → 30%. */
export function formatRate(fraction: number): string {
  return formatNumber(fraction * 100) + '%'
}

const isDollar = (currency: string): boolean => currency.trim().toUpperCase() === 'USD'

function moneyDigits(size: number): string {
  if (size >= 100 || Number.isInteger(size)) return integerFormat.format(Math.round(size))
  return new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 }).format(size)
}

/** `$11,040` in USD, `11,040 EUR` in any other currency (its code escaped: it comes from the inputs). */
export function formatMoney(value: number, currency: string, signed = false): string {
  if (!Number.isFinite(value)) return signed ? formatSigned(value) : formatNumber(value)
  const sign = value < 0 ? MINUS : signed && value > 0 ? '+' : ''
  const digits = moneyDigits(Math.abs(value))
  if (digits === '0') return isDollar(currency) ? '$0' : `0 ${escapeInline(currency)}`
  return isDollar(currency) ? `${sign}$${digits}` : `${sign}${digits} ${escapeInline(currency)}`
}

/**
 * Business metrics that hold money: the `_usd` ones the results file computes (the name stays
 * `_usd` whatever the currency), and any other `biz_` key about revenue, cost, value or profit.
 */
export function isMoneyMetric(key: string): boolean {
  return key.startsWith('biz_') && /(_usd$|revenue|cost|value|profit|margin|spend)/i.test(key)
}

/** ±0.01, ±2%. */
export function formatTolerance(tolerance: Tolerance): string {
  return tolerance.kind === 'absolute'
    ? `±${formatNumber(Math.abs(tolerance.value))}`
    : `±${formatNumber(Math.abs(tolerance.fraction) * 100)}%`
}
