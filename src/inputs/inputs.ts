// The typed, validated inputs of the action and the CLI (SPEC section 3).

export type Goal = 'max' | 'min' | 'none'

export type Tolerance = { kind: 'absolute'; value: number } | { kind: 'relative'; fraction: number }

export interface MetricRule {
  goal?: Goal
  tolerance?: Tolerance
}

/** Ordered: an exact key wins over a glob key; among globs the first listed wins. */
export interface MetricRules {
  exact: Map<string, MetricRule>
  globs: Array<{ pattern: string; rule: MetricRule }>
}

export interface BusinessSettings {
  clv: number
  retentionRate: number
  contactCost: number
  currency: string
}

export type BaselineSpec =
  | { kind: 'alias'; modelName: string; alias: string; uri: string }
  | { kind: 'stage'; modelName: string; stage: string; uri: string }
  | { kind: 'version'; modelName: string; version: string; uri: string }
  | { kind: 'latest'; modelName: string; uri: string }
  | { kind: 'run'; runId: string; uri: string }
  | { kind: 'branch'; branch: string; uri: string }

export type CommentMode = 'auto' | 'always' | 'never'
export type RegisterMode = 'never' | 'on-merge' | 'always'
export type RegisterIf = 'always' | 'not-worse' | 'better'

/** A file inside the workspace, checked to exist and to be a regular file. */
export interface WorkspaceFile {
  /** As the user wrote it, for messages. */
  input: string
  /** Absolute real path. */
  absolute: string
  /** Path relative to the workspace, with `/` separators. */
  relative: string
  size: number
}

export interface Inputs {
  workspace: string
  trackingUri: string
  experimentName: string
  /** Absent only on a closed pull request whose training outputs are not in the workspace. */
  results?: WorkspaceFile
  /** The `results` input as given. */
  resultsPath: string
  paramsFiles: WorkspaceFile[]
  params: Array<{ key: string; value: string }>
  /** The files the `artifacts` globs matched. */
  artifacts: WorkspaceFile[]
  /** `artifacts` patterns that matched nothing (a warning, as actions/upload-artifact does). */
  unmatchedArtifactPatterns: string[]
  modelPath?: { kind: 'mlflow-model-dir' | 'directory' | 'file'; absolute: string; relative: string; files: WorkspaceFile[] }
  modelName?: string
  baseline?: BaselineSpec
  metrics: MetricRules
  failOnRegression: boolean
  business: BusinessSettings
  tags: Array<{ key: string; value: string }>
  runName?: string
  githubToken?: string
  comment: CommentMode
  commentKey: string
  register: RegisterMode
  registerAlias?: string
  registerStage?: string
  registerIf: RegisterIf
}
