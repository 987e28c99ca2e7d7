import { execFileSync } from 'node:child_process'
import { userInfo } from 'node:os'
import { parseArgs } from 'node:util'
import { createCliIo } from './cli-io.js'
import { InputError } from './inputs/input-error.js'
import { INPUT_DEFAULTS, INPUT_NAMES, type InputName } from './inputs/input-names.js'
import { parseInputs } from './inputs/parse-inputs.js'
import { isClosedPullRequest, runContextFromEnv, type RunContext } from './inputs/run-context.js'
import { runJob } from './job.js'
import { openStores, type MlflowStores } from './mlflow/open-store.js'
import { secretsFromEnv } from './secrets.js'

/** Exit codes: the job ran (0), it failed or the regression gate failed it (1), it was misused (2). */
const EXIT_OK = 0
const EXIT_FAILED = 1
const EXIT_USAGE = 2

// One line per action input (action.yml), typed so that a new input cannot be left out of --help.
const OPTION_HELP: Record<InputName, { value: string; text: string }> = {
  'tracking-uri': {
    value: 'uri',
    text: 'MLflow tracking server (http://, https://) or file store (file:./mlruns). Default: $MLFLOW_TRACKING_URI, else file:./mlruns',
  },
  'experiment-name': { value: 'name', text: 'MLflow experiment, created if missing. Default: $MLFLOW_EXPERIMENT_NAME' },
  results: { value: 'file', text: 'The training outputs, JSON or YAML: the training-results shape or a mapping of numbers' },
  'params-files': { value: 'file', text: 'YAML/JSON config file, flattened to params (model.n_estimators) and logged under config/' },
  params: { value: 'key=value', text: 'A param to log' },
  artifacts: { value: 'glob', text: 'Files to log as artifacts, at their paths relative to the current directory' },
  'model-path': { value: 'path', text: 'An MLflow model directory (with an MLmodel file) or one model file, logged under model/' },
  'model-name': { value: 'name', text: 'Registered model name: the default baseline is models:/<name>@champion, and registering needs it' },
  baseline: {
    value: 'uri',
    text: 'models:/Name@alias, models:/Name/<Stage>, models:/Name/<version>, runs:/<run_id> or branch:<name>. Default: models:/<model-name>@champion',
  },
  metrics: { value: 'yaml', text: 'Per-metric rules, e.g. "test_f1: {goal: max, tolerance: 0.01}"; glob keys (biz_*) apply to many' },
  'fail-on-regression': { value: 'true|false', text: 'Exit with 1 when a gated metric regresses past its tolerance' },
  business: { value: 'yaml', text: 'Business metric settings: clv (2300), retention_rate (0.3), contact_cost (0), currency (USD)' },
  tags: { value: 'key=value', text: 'A run tag to set' },
  'run-name': { value: 'name', text: 'Run name. Default: <branch>-<sha7> in a git clone, else local-<time>' },
  'github-token': { value: 'token', text: 'Token to post the pull request comment (with --comment always in a GitHub event). Default: $GITHUB_TOKEN' },
  comment: { value: 'mode', text: 'auto (pull request events only), always, never' },
  'comment-key': { value: 'key', text: 'One sticky comment per key, so several models can report on one pull request. Default: the experiment name' },
  register: { value: 'mode', text: 'never, on-merge, always (register this run as a new model version)' },
  'register-alias': { value: 'alias', text: 'Alias moved to the new version; none to set no alias' },
  'register-stage': { value: 'stage', text: 'Legacy stage to move the new version to (Staging, Production), archiving the old one' },
  'register-if': { value: 'rule', text: 'always, not-worse (no gated regression), better (an improvement and no regression)' },
}

const LIST_INPUTS = new Set<InputName>(['params-files', 'params', 'artifacts', 'tags'])

const HELP_WIDTH = 100
const HELP_INDENT = 30

function wrap(text: string, width: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(' ')) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line)
      line = word
    } else {
      line = line ? `${line} ${word}` : word
    }
  }
  return [...lines, line]
}

function optionHelp(name: InputName): string {
  const { value, text } = OPTION_HELP[name]
  const head = `  --${name} <${value}>`
  const fallback = INPUT_DEFAULTS[name]
  const notes = [fallback && !text.includes('Default:') ? `Default: ${fallback}` : '', LIST_INPUTS.has(name) ? 'Repeat the option, or give one per line' : '']
  const body = wrap([text, ...notes.filter(Boolean)].join('. '), HELP_WIDTH - HELP_INDENT)
  const first = head.length < HELP_INDENT ? head.padEnd(HELP_INDENT) + body.shift() : head
  return [first, ...body.map((l) => ' '.repeat(HELP_INDENT) + l)].join('\n')
}

const HELP = `Usage: mlflow-pr-report [options]

Logs a training job's outputs to MLflow, compares the run with the production model and prints
the report (markdown) to stdout; messages and the outputs (name=value) go to stderr. The options
are the GitHub Action's inputs.

Options:
${INPUT_NAMES.map(optionHelp).join('\n')}
  -h, --help                  Show this help

Paths are relative to the current directory and must stay inside it.

Environment: MLFLOW_TRACKING_URI, MLFLOW_EXPERIMENT_NAME; MLFLOW_TRACKING_USERNAME and
MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN; MLFLOW_TRACKING_INSECURE_TLS,
MLFLOW_TRACKING_SERVER_CERT_PATH; GITHUB_TOKEN and the GITHUB_* variables of a workflow.

Exit status: 0 done; 1 the job failed, or --fail-on-regression true and a metric regressed;
2 invalid options or input files (nothing was written to MLflow).

Example (logs into ./mlruns, registers the run as BankChurnClassifier@champion):
  node dist/cli.js --experiment-name bank-churn \\
    --results examples/bank-churn/v1/training_results.json \\
    --params-files examples/bank-churn/v1/config.yaml \\
    --model-path examples/bank-churn/v1/model --model-name BankChurnClassifier --register always
`

function git(args: string[], cwd: string): string | undefined {
  try {
    return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() || undefined
  } catch {
    return undefined
  }
}

/** The local user, found as MLflow's Python client finds it (getpass.getuser, else "unknown"). */
function localUser(env: NodeJS.ProcessEnv): string {
  const fromEnv = env.LOGNAME || env.USER || env.LNAME || env.USERNAME
  if (fromEnv) return fromEnv
  try {
    return userInfo().username || 'unknown'
  } catch {
    return 'unknown' // no passwd entry, as in some containers
  }
}

/**
 * Outside Actions, the commit and branch come from git when the working directory is a clone, and
 * the run's user is the local user: MLflow's Python client refuses to read a file-store run whose
 * meta.yaml has no user_id.
 */
function localContext(env: NodeJS.ProcessEnv, cwd: string): RunContext {
  const context = runContextFromEnv(env)
  if (context.eventName !== 'local') return context
  // A detached HEAD answers "HEAD", which is no branch.
  const branch = context.branch ?? git(['rev-parse', '--abbrev-ref', 'HEAD'], cwd)
  return {
    ...context,
    actor: context.actor ?? localUser(env),
    sha: context.sha ?? git(['rev-parse', 'HEAD'], cwd),
    branch: branch === 'HEAD' ? undefined : branch,
  }
}

/** An input's error, told with the option the user typed (`--business: …` rather than `business: …`). */
function describeInputError(error: InputError): string {
  const option = (INPUT_NAMES as string[]).includes(error.source) ? `--${error.source}` : error.source
  return `${option}${error.message.slice(error.source.length)}`
}

export async function main(argv: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<number> {
  const { io, outputs, mask } = createCliIo(process.stdout, process.stderr)
  const fail = (message: string, code: number) => {
    process.stderr.write(`mlflow-pr-report: ${mask(message)}\n`)
    return code
  }
  let values: Record<string, string | boolean | string[] | undefined>
  try {
    values = parseArgs({
      args: argv,
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(INPUT_NAMES.map((n) => [n, { type: 'string', multiple: LIST_INPUTS.has(n) } as const])),
      },
      strict: true,
      allowPositionals: false,
    }).values
  } catch (error) {
    return fail(`${(error as Error).message}\nRun with --help for the options.`, EXIT_USAGE)
  }
  if (values.help) {
    process.stdout.write(HELP)
    return EXIT_OK
  }
  for (const secret of secretsFromEnv(env)) io.setSecret(secret)
  if (typeof values['github-token'] === 'string') io.setSecret(values['github-token'])
  const read = (name: InputName): string => {
    const value = values[name]
    if (value === undefined) return name === 'github-token' ? (env.GITHUB_TOKEN ?? '') : INPUT_DEFAULTS[name]
    return Array.isArray(value) ? value.join('\n') : String(value)
  }
  let stores: MlflowStores | undefined
  try {
    // Every option and input file is checked before the store is opened; the file store itself
    // creates ./mlruns only on its first write.
    const context = localContext(env, cwd)
    const inputs = parseInputs(read, { workspace: cwd, env, repository: context.repository, filesMayBeMissing: isClosedPullRequest(context) })
    stores = openStores(inputs.trackingUri, inputs.workspace, env)
    for (const secret of stores.secrets) io.setSecret(secret)
    const result = await runJob({ inputs, context, stores, io, env })
    for (const [name, value] of Object.entries(outputs)) if (value) process.stderr.write(`${name}=${mask(value)}\n`)
    return result.failure ? fail(result.failure, EXIT_FAILED) : EXIT_OK
  } catch (error) {
    if (error instanceof InputError) return fail(`invalid input: ${describeInputError(error)}`, EXIT_USAGE)
    return fail(error instanceof Error ? error.message : String(error), EXIT_FAILED)
  } finally {
    await stores?.close()
  }
}

process.exitCode = await main(process.argv.slice(2), process.env, process.cwd())
