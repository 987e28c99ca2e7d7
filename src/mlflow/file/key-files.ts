import { mkdir, readdir, writeFile } from 'node:fs/promises'
import { dirname, join, relative, sep } from 'node:path'
import { isMissing } from './meta-yaml.js'
import { readStoreFile } from './read-store-file.js'

// A run's `metrics/`, `params/`, `tags/` (and a model's `tags/`, `aliases/`) folders: one file per
// key, the file's path below the folder is the key, so `a/b` lives in sub-folder `a`.

/** Every key under `folder` (`[]` when the folder is missing), as MLflow's `os.walk` finds them. */
export async function listKeys(folder: string): Promise<string[]> {
  let entries
  try {
    entries = await readdir(folder, { recursive: true, withFileTypes: true })
  } catch (error) {
    if (isMissing(error)) return []
    throw error
  }
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(folder, join(entry.parentPath, entry.name)).split(sep).join('/'))
    .sort()
}

/** The raw value of each key: MLflow stores params and tags with no trailing newline. */
export async function readKeyValues(folder: string): Promise<Record<string, string>> {
  const values: Record<string, string> = {}
  for (const key of await listKeys(folder)) values[key] = await readStoreFile(join(folder, key))
  return values
}

/** One key's value, `undefined` when it was never written. */
export async function readKeyValue(folder: string, key: string): Promise<string | undefined> {
  try {
    return await readStoreFile(join(folder, key))
  } catch (error) {
    if (isMissing(error)) return undefined
    throw error
  }
}

/** Written in place, as MLflow does: a temp file beside it would be read as another key. */
export async function writeKeyValue(folder: string, key: string, value: string): Promise<void> {
  const file = join(folder, key)
  await mkdir(dirname(file), { recursive: true })
  await writeFile(file, value, 'utf8')
}
