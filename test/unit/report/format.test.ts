import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import {
  formatMoney,
  formatNumber,
  formatRate,
  formatSigned,
  formatSignedPercent,
  formatTolerance,
  isMoneyMetric,
} from '../../../src/report/format.js'

describe('formatNumber', () => {
  test('4 significant digits below 1,000', () => {
    assert.equal(formatNumber(0.86123456), '0.8612')
    assert.equal(formatNumber(0.5), '0.5')
    assert.equal(formatNumber(12.3456), '12.35')
    assert.equal(formatNumber(123.456), '123.5')
    assert.equal(formatNumber(0.00123456), '0.001235')
  })

  test('integers and large numbers with thousands separators', () => {
    assert.equal(formatNumber(209), '209')
    assert.equal(formatNumber(144210), '144,210')
    assert.equal(formatNumber(1234.5678), '1,235')
    assert.equal(formatNumber(1234567), '1,234,567')
  })

  test('very small and very large numbers in scientific notation', () => {
    assert.equal(formatNumber(0.0000123456), '1.235e−5')
    assert.equal(formatNumber(1.5e21), '1.5e21')
  })

  test('signs, zero and non-finite values', () => {
    assert.equal(formatNumber(-0.25), '−0.25')
    assert.equal(formatNumber(-0), '0')
    assert.equal(formatNumber(Number.NaN), 'NaN')
    assert.equal(formatNumber(Number.POSITIVE_INFINITY), '∞')
    assert.equal(formatNumber(Number.NEGATIVE_INFINITY), '−∞')
  })
})

describe('formatSigned', () => {
  test('explicit sign, real minus', () => {
    assert.equal(formatSigned(0.04), '+0.04')
    assert.equal(formatSigned(-0.01), '−0.01')
    assert.equal(formatSigned(0.040000000000000036), '+0.04')
    assert.equal(formatSigned(0), '0')
    assert.equal(formatSigned(16), '+16')
  })
})

describe('formatSignedPercent', () => {
  test('precision by size', () => {
    assert.equal(formatSignedPercent(7.0175), '+7.0%')
    assert.equal(formatSignedPercent(-35.48), '−35.5%')
    assert.equal(formatSignedPercent(150.4), '+150%')
    assert.equal(formatSignedPercent(1234.5), '+1,235%')
    assert.equal(formatSignedPercent(0.6403), '+0.64%')
    assert.equal(formatSignedPercent(0.001), '+<0.01%')
    assert.equal(formatSignedPercent(-0.001), '−<0.01%')
    assert.equal(formatSignedPercent(0), '0%')
  })
})

describe('money', () => {
  test('dollars carry $, other currencies their code', () => {
    assert.equal(formatMoney(144210, 'USD'), '$144,210')
    assert.equal(formatMoney(11040, 'USD', true), '+$11,040')
    assert.equal(formatMoney(-1200, 'USD', true), '−$1,200')
    assert.equal(formatMoney(-1200, 'USD'), '−$1,200')
    assert.equal(formatMoney(11040, 'EUR'), '11,040 EUR')
    assert.equal(formatMoney(11040, 'EUR', true), '+11,040 EUR')
    assert.equal(formatMoney(12.5, 'USD'), '$12.50')
    assert.equal(formatMoney(0, 'USD', true), '$0')
  })

  test('a currency from the inputs is escaped', () => {
    assert.equal(formatMoney(1, '<b>|@x'), '1 &lt;b&gt;\\|@\u200Bx')
  })

  test('which business metrics are money', () => {
    assert.equal(isMoneyMetric('biz_saved_revenue_usd'), true)
    assert.equal(isMoneyMetric('biz_campaign_cost_usd'), true)
    assert.equal(isMoneyMetric('biz_net_value_usd'), true)
    assert.equal(isMoneyMetric('biz_saved_customers'), false)
    assert.equal(isMoneyMetric('biz_false_positives'), false)
    assert.equal(isMoneyMetric('revenue'), false)
  })
})

describe('rates and tolerances', () => {
  test('a rate as a percentage', () => {
    assert.equal(formatRate(0.3), '30%')
    assert.equal(formatRate(0.125), '12.5%')
  })

  test('tolerances', () => {
    assert.equal(formatTolerance({ kind: 'absolute', value: 0.01 }), '±0.01')
    assert.equal(formatTolerance({ kind: 'relative', fraction: 0.02 }), '±2%')
  })
})
