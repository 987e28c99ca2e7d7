import * as core from '@actions/core'
import { actionsIo } from './actions-io.js'
import { getInputs } from './inputs/get-inputs.js'
import { runContextFromEnv } from './inputs/run-context.js'
import { runJob } from './job.js'
import { openStores, type MlflowStores } from './mlflow/open-store.js'
import { secretsFromEnv } from './secrets.js'

/** The action's entry point. */
export async function run(): Promise<void> {
  for (const secret of secretsFromEnv(process.env)) core.setSecret(secret)
  let stores: MlflowStores | undefined
  try {
    const context = runContextFromEnv(process.env)
    const inputs = getInputs(context)
    stores = openStores(inputs.trackingUri, inputs.workspace)
    for (const secret of stores.secrets) core.setSecret(secret)
    const result = await runJob({ inputs, context, stores, io: actionsIo, env: process.env })
    if (result.failure) core.setFailed(result.failure)
  } catch (error) {
    core.setFailed(error instanceof Error ? error.message : String(error))
  } finally {
    await stores?.close()
  }
}
