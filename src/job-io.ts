/** Where a job's messages and results go: the Actions runner, or the CLI's terminal. */
export interface JobIo {
  info(message: string): void
  notice(message: string): void
  warning(message: string): void
  /** Masks a value in every later log line. */
  setSecret(value: string): void
  setOutput(name: OutputName, value: string): void
  /** The report for people: the job summary in Actions, stdout for the CLI. */
  writeSummary(markdown: string): Promise<void>
}

export const OUTPUT_NAMES = [
  'run-id',
  'run-url',
  'experiment-id',
  'baseline-run-id',
  'baseline-version',
  'verdict',
  'regressions',
  'report-path',
  'comment-url',
  'model-version',
] as const

export type OutputName = (typeof OUTPUT_NAMES)[number]
