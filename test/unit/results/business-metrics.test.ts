import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { businessMetrics } from '../../../src/results/business-metrics.js'

const seed = { clv: 2300, retentionRate: 0.3, contactCost: 0, currency: 'USD' }

describe('businessMetrics', () => {
  test('[[tn, fp], [fn, tp]] as the seed computes it, floats identical to Python\'s', () => {
    assert.deepEqual(
      businessMetrics(
        [
          [1520, 73],
          [198, 209],
        ],
        seed,
      ),
      {
        biz_detected_churners: 209,
        biz_saved_customers: 62.699999999999996,
        biz_saved_revenue_usd: 144210,
        biz_false_positives: 73,
        biz_missed_churners: 198,
      },
    )
  })

  test('contact_cost > 0: campaign cost = (tp + fp) × cost, net = saved revenue − cost', () => {
    const m = businessMetrics(
      [
        [10, 5],
        [3, 20],
      ],
      { ...seed, clv: 100, retentionRate: 0.5, contactCost: 2, currency: 'EUR' },
    )
    assert.deepEqual(m, {
      biz_detected_churners: 20,
      biz_saved_customers: 10,
      biz_saved_revenue_usd: 1000,
      biz_false_positives: 5,
      biz_missed_churners: 3,
      biz_campaign_cost_usd: 50,
      biz_net_value_usd: 950,
    })
  })

  test('a net value can be negative', () => {
    const m = businessMetrics(
      [
        [0, 100],
        [0, 1],
      ],
      { ...seed, clv: 10, retentionRate: 0.1, contactCost: 5 },
    )
    assert.equal(m.biz_net_value_usd, 1 * 0.1 * 10 - 101 * 5)
  })
})
