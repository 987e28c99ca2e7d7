import { readFileSync } from 'node:fs'
import { parse as parseYaml } from 'yaml'
import type { WorkspaceFile } from '../inputs/inputs.js'
import { InputError } from '../inputs/input-error.js'

export const MAX_RESULTS_BYTES = 50 * 1024 * 1024

/** Marks a bare NaN/Infinity token (Python's json.dump writes them) so the reader can name its path. */
export const NON_FINITE = '\u0000non-finite:'

/**
 * Reads a JSON or YAML data file (YAML by extension; JSON otherwise). Python's json module writes
 * NaN and Infinity as bare tokens, which JSON.parse refuses with an unhelpful message; they are
 * turned into marker strings here so the caller can report the exact path of the bad value.
 */
export function readDataFile(file: WorkspaceFile, maxBytes = MAX_RESULTS_BYTES): unknown {
  if (file.size > maxBytes) {
    throw new InputError(file.input, `the file has ${file.size} bytes, over the limit of ${maxBytes} bytes (${formatMb(maxBytes)})`)
  }
  const text = readFileSync(file.absolute, 'utf8')
  if (/\.ya?ml$/i.test(file.relative)) {
    try {
      return parseYaml(text, { maxAliasCount: 1000 })
    } catch (error) {
      throw new InputError(file.input, `expected YAML, but it does not parse: ${firstLine(error)}`)
    }
  }
  try {
    return JSON.parse(text)
  } catch (error) {
    if (/NaN|Infinity/.test(text)) {
      try {
        return JSON.parse(markNonFinite(text))
      } catch {
        // not the reason: report the first error
      }
    }
    throw new InputError(file.input, `expected JSON, but it does not parse: ${firstLine(error)}`)
  }
}

/** Replaces NaN, Infinity and -Infinity outside strings by marker strings. */
export function markNonFinite(text: string): string {
  const parts: string[] = []
  let copied = 0
  let i = 0
  while (i < text.length) {
    const ch = text.charCodeAt(i)
    if (ch === 34 /* " */) {
      i++
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \\ */ ? 2 : 1
      i++
      continue
    }
    if (ch === 78 /* N */ || ch === 73 /* I */ || ch === 45 /* - */) {
      const token = /^-?(?:NaN|Infinity)/.exec(text.slice(i, i + 9))
      if (token) {
        parts.push(text.slice(copied, i), JSON.stringify(NON_FINITE + token[0]))
        i += token[0].length
        copied = i
        continue
      }
    }
    i++
  }
  parts.push(text.slice(copied))
  return parts.join('')
}

const firstLine = (error: unknown) => String((error as Error).message).split('\n')[0]
const formatMb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
