// Every input of action.yml and option of the CLI, with the default the runner fills in.
// An empty default means "computed at run time" (from the environment or the event).
export const INPUT_DEFAULTS = {
  'tracking-uri': '',
  'experiment-name': '',
  results: 'artifacts/training_results.json',
  'params-files': '',
  params: '',
  artifacts: '',
  'model-path': '',
  'model-name': '',
  baseline: '',
  metrics: '',
  'fail-on-regression': 'false',
  business: '',
  tags: '',
  'run-name': '',
  'github-token': '',
  comment: 'auto',
  'comment-key': '',
  register: 'never',
  'register-alias': 'champion',
  'register-stage': '',
  'register-if': 'not-worse',
} as const

export type InputName = keyof typeof INPUT_DEFAULTS
export const INPUT_NAMES = Object.keys(INPUT_DEFAULTS) as InputName[]

/** Reads one input as a string ('' when unset). */
export type InputSource = (name: InputName) => string
