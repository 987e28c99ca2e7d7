// Everything the report shows, gathered by the orchestrator.
import type { Comparison } from '../compare/comparison.js'
import type { BusinessSettings } from '../inputs/inputs.js'
import type { Run } from '../mlflow/entities.js'

export interface ReportContext {
  experimentName: string
  commentKey: string
  candidate: { run: Run; url?: string }
  baseline?: {
    /** What the baseline is: 'BankChurnClassifier@champion', 'runs:/abc', 'branch:main'. */
    label: string
    version?: string
    run: Run
    url?: string
    modelVersionUrl?: string
  }
  /** Why there is no baseline, e.g. "alias champion of BankChurnClassifier not found". */
  baselineMissing?: string
  /** The baseline that was asked for, shown when it is missing. */
  baselineLabel?: string
  compareUrl?: string
  comparison: Comparison
  business: BusinessSettings
  /** Short messages for the reader, e.g. "register-if: better — not registered because …". */
  notices?: string[]
}
