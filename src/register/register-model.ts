import type { Verdict } from '../compare/comparison.js'
import type { RegisterIf } from '../inputs/inputs.js'
import type { RunContext } from '../inputs/run-context.js'
import type { ModelVersion, Run } from '../mlflow/entities.js'
import type { ModelRegistryStore } from '../mlflow/registry-store.js'
import type { TrackingStore } from '../mlflow/tracking-store.js'

export interface RegistrationRequest {
  modelName: string
  alias?: string
  stage?: string
  registerIf: RegisterIf
  verdict: Verdict
  run: Run
  runUrl?: string
  context: RunContext
  /** Markdown: the comparison, kept as the version's description. */
  description: string
}

export type RegistrationOutcome =
  | { registered: true; version: ModelVersion; alreadyRegistered: boolean; actions: string[] }
  | { registered: false; reason: string }

/** Whether `register-if` allows registering, and why not. With no baseline every rule registers. */
export function registrationRefusal(registerIf: RegisterIf, verdict: Verdict): string | undefined {
  if (registerIf === 'always' || verdict === 'no-baseline') return undefined
  if (registerIf === 'not-worse' && verdict === 'worse') {
    return 'register-if is not-worse and a gated metric regressed against the baseline'
  }
  if (registerIf === 'better' && verdict !== 'better') {
    return `register-if is better and the candidate is ${verdict === 'worse' ? 'worse than' : 'not better than'} the baseline (no gated metric improved past its tolerance${verdict === 'worse' ? ', and at least one regressed' : ''})`
  }
  return undefined
}

/**
 * Registers the run's `model` artifacts as a new version (SPEC section 6), moves the alias and the
 * stage. A run that already has a version is never registered twice: a re-run finds it.
 */
export async function registerModel(
  stores: { tracking: TrackingStore; registry: ModelRegistryStore },
  request: RegistrationRequest,
): Promise<RegistrationOutcome> {
  const { registry } = stores
  const { modelName, run } = request
  const runId = run.info.runId
  const actions: string[] = []

  // A re-run finds its version first: compared with itself (it may be the champion now) the run
  // is "unchanged", which must not read as a refusal.
  let version = (await registry.searchModelVersions({ name: modelName, runId }))
    .sort((a, b) => Number(a.version) - Number(b.version))[0]
  const alreadyRegistered = !!version
  if (!version) {
    const refusal = registrationRefusal(request.registerIf, request.verdict)
    if (refusal) return { registered: false, reason: refusal }
    const modelFiles = await stores.tracking.artifacts(run.info.artifactUri).list('model')
    if (modelFiles.length === 0) {
      throw new Error(`run ${runId} has no "model" artifacts to register: set model-path so the model is logged with the run`)
    }
    if (!(await registry.getRegisteredModel(modelName))) {
      try {
        await registry.createRegisteredModel(modelName)
        actions.push(`created the registered model ${modelName}`)
      } catch (error) {
        // Another job may have created it since we looked.
        if (!(await registry.getRegisteredModel(modelName))) throw error
      }
    }
    const pr = request.context.pullRequest
    const tags: Record<string, string> = { 'gate.verdict': request.verdict }
    if (pr) {
      tags['github.pr'] = String(pr.number)
      tags['github.pr_url'] = pr.url
    }
    if (request.context.sha) tags['github.commit'] = request.context.sha
    version = await registry.createModelVersion({
      name: modelName,
      // What MLflow's register_model("runs:/<id>/model") uses as the source.
      source: `${run.info.artifactUri.replace(/\/+$/, '')}/model`,
      runId,
      runLink: request.runUrl,
      description: request.description,
      tags,
    })
    actions.push(`registered version ${version.version} of ${modelName}`)
  } else {
    actions.push(`run ${runId} is already version ${version.version} of ${modelName}; not registered again`)
  }

  if (request.alias && !version.aliases.includes(request.alias)) {
    await registry.setRegisteredModelAlias(modelName, request.alias, version.version)
    actions.push(`moved alias ${request.alias} to version ${version.version}`)
  }
  if (request.stage && version.currentStage.toLowerCase() !== request.stage.toLowerCase()) {
    await registry.transitionModelVersionStage(modelName, version.version, request.stage, true)
    actions.push(`moved version ${version.version} to stage ${request.stage}, archiving the version it replaces`)
  }
  const current = (await registry.getModelVersion(modelName, version.version)) ?? version
  return { registered: true, version: current, alreadyRegistered, actions }
}
