import * as core from '@actions/core'
import type { Inputs } from './inputs.js'
import { parseInputs } from './parse-inputs.js'
import { isClosedPullRequest, type RunContext } from './run-context.js'

/** The action's inputs, read from the runner and validated in full before anything runs. */
export function getInputs(context: RunContext, env: NodeJS.ProcessEnv = process.env): Inputs {
  return parseInputs((name) => core.getInput(name), {
    workspace: env.GITHUB_WORKSPACE || process.cwd(),
    env,
    repository: context.repository,
    filesMayBeMissing: isClosedPullRequest(context),
  })
}
