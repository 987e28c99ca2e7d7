import { MlflowStoreError } from './store-error.js'

// The checks MLflow's file stores make (mlflow/utils/validation.py) before a name becomes a path.

const KEY_CHARACTERS = /^[/\p{L}\p{N}_.\- :]*$/u
const RUN_ID = /^[a-zA-Z0-9][\w-]{0,255}$/
const EXPERIMENT_ID = /^[a-zA-Z0-9][\w-]{0,63}$/
const ALIAS = /^[\p{L}\p{N}_-]*$/u
const VERSION_ALIAS = /^[vV]\d+$/

export const MAX_KEY_LENGTH = 250
export const MAX_PARAM_VALUE_LENGTH = 6000
export const MAX_TAG_VALUE_LENGTH = 8000
export const MAX_EXPERIMENT_NAME_LENGTH = 500
export const MAX_ALIAS_LENGTH = 255

const invalid = (message: string) => new MlflowStoreError('INVALID_PARAMETER_VALUE', message)

/**
 * MLflow's `path_not_unique`: true when `posixpath.normpath(name)` differs from the name, is `.`,
 * or starts with `..` or `/` — a name that would not map to exactly one file under its folder.
 */
export function pathNotUnique(name: string): boolean {
  if (name === '' || name.startsWith('/') || name.startsWith('..')) return true
  return name.split('/').some((segment) => segment === '' || segment === '.' || segment === '..')
}

/** A metric, param or tag key: `a/b` is stored in sub-folder `a`, file `b`. */
export function validateKey(kind: 'metric' | 'param' | 'tag', key: string): void {
  if (!KEY_CHARACTERS.test(key)) {
    throw invalid(
      `invalid ${kind} name '${key}': names may only contain alphanumerics, underscores (_), dashes (-), ` +
        'periods (.), spaces ( ), colon(:) and slashes (/)',
    )
  }
  if (pathNotUnique(key)) {
    throw invalid(`invalid ${kind} name '${key}': it must not resolve to another name when treated as a path`)
  }
  if (codePoints(key) > MAX_KEY_LENGTH) throw invalid(`${kind} name '${key}' exceeds ${MAX_KEY_LENGTH} characters`)
}

export function validateRunId(runId: string): void {
  if (!RUN_ID.test(runId)) throw invalid(`invalid run id '${runId}'`)
}

export function validateExperimentId(experimentId: string): void {
  if (!EXPERIMENT_ID.test(experimentId)) throw invalid(`invalid experiment id '${experimentId}'`)
}

export function validateExperimentName(name: string): void {
  if (name === '') throw invalid(`invalid experiment name: ''`)
  if (codePoints(name) > MAX_EXPERIMENT_NAME_LENGTH) {
    throw invalid(`experiment name exceeds ${MAX_EXPERIMENT_NAME_LENGTH} characters`)
  }
}

/** The file registry's rules: the name is a folder under `models/`. */
export function validateModelName(name: string): void {
  if (name.trim() === '') throw invalid('a registered model name is required')
  if (/[/:\\%]/.test(name)) {
    throw invalid(`invalid registered model name '${name}': it cannot contain '/', ':', '\\' or '%'`)
  }
  if (pathNotUnique(name)) throw invalid(`invalid registered model name '${name}'`)
}

export function validateAlias(alias: string): void {
  if (alias === '') throw invalid('registered model alias name cannot be empty')
  if (!ALIAS.test(alias)) {
    throw invalid(`invalid alias name '${alias}': names may only contain alphanumerics, underscores (_), and dashes (-)`)
  }
  if (codePoints(alias) > MAX_ALIAS_LENGTH) throw invalid(`alias name exceeds ${MAX_ALIAS_LENGTH} characters`)
}

/** Aliases that `models:/Name@…` resolves itself, so they cannot be set. */
export function validateAliasNotReserved(alias: string): void {
  if (alias.toLowerCase() === 'latest') throw invalid(`'latest' alias name (case insensitive) is reserved`)
  if (VERSION_ALIAS.test(alias)) throw invalid(`version alias name '${alias}' is reserved`)
}

/** A model version number, as MLflow's `int(version)` accepts it. */
export function parseVersion(version: string): number {
  const trimmed = version.trim()
  if (!/^[+-]?\d+$/.test(trimmed)) throw invalid(`version '${version}' is not an integer`)
  return Number(trimmed)
}

export function checkLength(what: string, value: string, limit: number): void {
  if (codePoints(value) > limit) throw invalid(`${what} exceeds ${limit} characters`)
}

// Python's len() counts code points, not UTF-16 units.
export const codePoints = (text: string): number => [...text].length
