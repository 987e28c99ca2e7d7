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
      throw new InputError(file.input, `expected YAML, but it does not parse ${whereYaml(error)}`)
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
    throw new InputError(file.input, `expected JSON, but it does not parse ${whereJson(error, text)}`)
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

// The parsers' own messages quote the file's text, which may hold secrets: only a place is told.

/** `(line 3, column 7)` from a JSON.parse error, whose message has the offset in some form. */
export function whereJson(error: unknown, text: string): string {
  const message = String((error as Error).message)
  const lineColumn = /line (\d+) column (\d+)/.exec(message)
  if (lineColumn) return `(line ${lineColumn[1]}, column ${lineColumn[2]})`
  const position = /position (\d+)/.exec(message)
  if (position) {
    const before = text.slice(0, Number(position[1]))
    const line = before.split('\n').length
    return `(line ${line}, column ${before.length - before.lastIndexOf('\n')})`
  }
  return /end of JSON input/i.test(message) ? '(it ends too early)' : '(invalid JSON syntax)'
}

/** `(line 3, column 7: BAD_INDENT)` from a `yaml` parse error. */
export function whereYaml(error: unknown): string {
  const e = error as { linePos?: Array<{ line: number; col: number }>; code?: string }
  const pos = e.linePos?.[0]
  const code = e.code ? `: ${e.code}` : ''
  return pos ? `(line ${pos.line}, column ${pos.col}${code})` : `(invalid YAML${code})`
}
const formatMb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`
