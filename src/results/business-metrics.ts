import type { BusinessSettings } from '../inputs/inputs.js'

/**
 * The seed's business metrics (scripts/run_mlflow.py) from a 2×2 confusion matrix
 * [[tn, fp], [fn, tp]], in the same order of operations so the floats match Python's.
 */
export function businessMetrics(matrix: [[number, number], [number, number]], settings: BusinessSettings): Record<string, number> {
  const [[, fp], [fn, tp]] = matrix
  const savedCustomers = tp * settings.retentionRate
  const savedRevenue = savedCustomers * settings.clv
  const metrics: Record<string, number> = {
    biz_detected_churners: tp,
    biz_saved_customers: savedCustomers,
    biz_saved_revenue_usd: savedRevenue,
    biz_false_positives: fp,
    biz_missed_churners: fn,
  }
  if (settings.contactCost > 0) {
    const campaignCost = (tp + fp) * settings.contactCost
    metrics.biz_campaign_cost_usd = campaignCost
    metrics.biz_net_value_usd = savedRevenue - campaignCost
  }
  return metrics
}
