import type { BaselineSpec } from '../inputs/inputs.js'
import type { ModelVersion, Run } from '../mlflow/entities.js'
import type { ModelRegistryStore } from '../mlflow/registry-store.js'
import type { TrackingStore } from '../mlflow/tracking-store.js'

export interface ResolvedBaseline {
  /** What the report calls it: `BankChurnClassifier@champion`, `runs:/…`, `branch:main`. */
  label: string
  run: Run
  modelVersion?: ModelVersion
}

/** Either a baseline, or why there is none (first model, missing alias…), which is not an error. */
export type BaselineResolution = { baseline: ResolvedBaseline; missing?: undefined } | { baseline?: undefined; missing: string }

const labelOf = (spec: BaselineSpec): string => {
  switch (spec.kind) {
    case 'alias':
      return `${spec.modelName}@${spec.alias}`
    case 'stage':
      return `${spec.modelName}/${spec.stage}`
    case 'version':
      return `${spec.modelName}/${spec.version}`
    case 'latest':
      return `${spec.modelName}/latest`
    default:
      return spec.uri
  }
}

async function versionOf(spec: BaselineSpec, registry: ModelRegistryStore): Promise<ModelVersion | string> {
  if (spec.kind === 'run' || spec.kind === 'branch') throw new Error('not a registry baseline')
  const missingModel = async () =>
    (await registry.getRegisteredModel(spec.modelName)) ? undefined : `the registered model "${spec.modelName}" does not exist yet`
  switch (spec.kind) {
    case 'alias':
      return (
        (await registry.getModelVersionByAlias(spec.modelName, spec.alias)) ??
        (await missingModel()) ??
        `the registered model "${spec.modelName}" has no alias "${spec.alias}"`
      )
    case 'version':
      return (
        (await registry.getModelVersion(spec.modelName, spec.version)) ??
        (await missingModel()) ??
        `the registered model "${spec.modelName}" has no version ${spec.version}`
      )
    case 'stage':
    case 'latest': {
      const versions = await registry.getLatestVersions(spec.modelName, spec.kind === 'stage' ? [spec.stage] : [])
      const newest = versions.sort((a, b) => Number(b.version) - Number(a.version))[0]
      return newest ?? (await missingModel()) ?? `the registered model "${spec.modelName}" has no version${spec.kind === 'stage' ? ` in stage ${spec.stage}` : ''}`
    }
  }
}

/**
 * Finds the production model's run. A missing model, alias, version or run is reported as
 * `missing`; a store that cannot be reached throws.
 */
export async function resolveBaseline(
  spec: BaselineSpec | undefined,
  stores: { tracking: TrackingStore; registry: ModelRegistryStore },
  experimentId: string,
  candidateRunId: string,
): Promise<BaselineResolution> {
  if (!spec) return { missing: 'no baseline is configured (set model-name or baseline)' }
  const label = labelOf(spec)
  if (spec.kind === 'run') {
    const run = await stores.tracking.getRun(spec.runId)
    return run && run.info.lifecycleStage !== 'deleted' ? { baseline: { label, run } } : { missing: `the run ${spec.runId} does not exist` }
  }
  if (spec.kind === 'branch') {
    const runs = await stores.tracking.searchRuns({
      experimentIds: [experimentId],
      tags: { 'mlflow.source.git.branch': spec.branch },
      status: 'FINISHED',
      maxResults: 50,
    })
    // A pull request's head branch may carry the same name (a fork's `main`): only runs of the
    // branch itself count, never a pull request's, whose metrics its author controls.
    const run = runs.find((r) => r.info.runId !== candidateRunId && r.data.tags['github.pr'] === undefined)
    return run ? { baseline: { label, run } } : { missing: `no FINISHED run of branch "${spec.branch}" in this experiment` }
  }
  const version = await versionOf(spec, stores.registry)
  if (typeof version === 'string') return { missing: version }
  if (!version.runId) return { missing: `${label} (version ${version.version}) was registered without a run, so it has no metrics to compare` }
  const run = await stores.tracking.getRun(version.runId)
  if (!run || run.info.lifecycleStage === 'deleted') {
    return { missing: `${label} (version ${version.version}) points at run ${version.runId}, which no longer exists` }
  }
  return { baseline: { label, run, modelVersion: version } }
}
