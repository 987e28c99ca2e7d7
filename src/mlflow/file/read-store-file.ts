import { constants } from 'node:fs'
import { open } from 'node:fs/promises'
import { MlflowStoreError } from '../store-error.js'

/**
 * Reads a file of the store without following a symbolic link: `mlruns/` may come from a pull
 * request, and a link planted there (an alias file pointing at /proc/self/environ) must not be read.
 */
export async function readStoreFile(path: string): Promise<string> {
  let handle
  try {
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ELOOP') {
      throw new MlflowStoreError('INVALID_STATE', `${path} is a symbolic link; the file store never follows one`)
    }
    throw error
  }
  try {
    return await handle.readFile('utf8')
  } finally {
    await handle.close()
  }
}
