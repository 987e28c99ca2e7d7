import { randomBytes } from 'node:crypto'
import { rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { parse, stringify } from 'yaml'
import { readStoreFile } from './read-store-file.js'

export const META_FILE = 'meta.yaml'

/**
 * meta.yaml as MLflow writes it (PyYAML `safe_dump`, sorted keys, block style). YAML 1.1 on both
 * sides: PyYAML resolves `yes`, `on`, `1:20`… as non-strings, so such strings must be quoted.
 */
export function formatMetaYaml(data: Record<string, unknown>): string {
  return stringify(data, { version: '1.1', sortMapEntries: true, singleQuote: true, lineWidth: 0 })
}

/** The mapping in `<dir>/meta.yaml`; `undefined` when the file is missing or empty. */
export async function readMetaYaml(dir: string): Promise<Record<string, unknown> | undefined> {
  let text: string
  try {
    text = await readStoreFile(join(dir, META_FILE))
  } catch (error) {
    if (isMissing(error)) return undefined
    throw error
  }
  const data: unknown = parse(text, { version: '1.1' })
  if (data === null || data === undefined) return undefined
  if (typeof data !== 'object' || Array.isArray(data)) {
    throw new Error(`${join(dir, META_FILE)} does not hold a mapping`)
  }
  return data as Record<string, unknown>
}

/**
 * Writes `<dir>/meta.yaml` through a temporary file in the same directory and a rename, so a
 * reader (or MLflow's UI) never sees a half-written file.
 */
export async function writeMetaYaml(dir: string, data: Record<string, unknown>): Promise<void> {
  const target = join(dir, META_FILE)
  const temp = join(dir, `.${META_FILE}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temp, formatMetaYaml(data), 'utf8')
    await rename(temp, target)
  } catch (error) {
    await rm(temp, { force: true })
    throw error
  }
}

export const isMissing = (error: unknown): boolean =>
  (error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT'
