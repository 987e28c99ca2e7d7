import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, readdir, rename, rm, stat } from 'node:fs/promises'
import { randomBytes } from 'node:crypto'
import { dirname, join } from 'node:path'
import { pipeline } from 'node:stream/promises'
import type { ArtifactFile } from '../entities.js'
import type { ArtifactRepository } from '../tracking-store.js'
import { MlflowStoreError } from '../store-error.js'
import { fileUriToPath } from './file-uri.js'
import { isMissing } from './meta-yaml.js'
import { pathNotUnique } from '../mlflow-names.js'

/**
 * A run's artifacts in a local folder (MLflow's LocalArtifactRepository): `file:///…/artifacts`
 * or a plain path. Other schemes (s3://, mlflow-artifacts:/) need the tracking server.
 */
export class FileArtifactRepository implements ArtifactRepository {
  readonly rootDir: string

  constructor(artifactUri: string, cwd: string) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(artifactUri) && !artifactUri.startsWith('file:')) {
      throw new MlflowStoreError(
        'INVALID_PARAMETER_VALUE',
        `the run's artifact location ${artifactUri} is not a local folder; the file store can only write local artifacts`,
      )
    }
    this.rootDir = fileUriToPath(artifactUri, cwd)
  }

  /** Copied with streams into a temporary file and renamed: a big file is never held in memory. */
  async logFile(localPath: string, artifactPath: string): Promise<void> {
    const target = this.resolve(artifactPath, false)
    await mkdir(dirname(target), { recursive: true })
    const temp = join(dirname(target), `.${randomBytes(6).toString('hex')}.upload`)
    try {
      await pipeline(createReadStream(localPath), createWriteStream(temp))
      await rename(temp, target)
    } catch (error) {
      await rm(temp, { force: true })
      throw error
    }
  }

  async list(path = ''): Promise<ArtifactFile[]> {
    const dir = this.resolve(path, true)
    let entries
    try {
      entries = await readdir(dir, { withFileTypes: true })
    } catch (error) {
      // MLflow lists a missing folder, or a path that is a file, as empty.
      const code = (error as NodeJS.ErrnoException).code
      if (isMissing(error) || code === 'ENOTDIR') return []
      throw error
    }
    const prefix = path.replace(/^\/+|\/+$/g, '')
    const files: ArtifactFile[] = []
    for (const entry of entries) {
      if (entry.name.startsWith('.') && entry.name.endsWith('.upload')) continue
      const relativePath = prefix ? `${prefix}/${entry.name}` : entry.name
      const isDir = entry.isDirectory()
      files.push(isDir ? { path: relativePath, isDir } : { path: relativePath, isDir, fileSize: (await stat(join(dir, entry.name))).size })
    }
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))
  }

  private resolve(artifactPath: string, allowRoot: boolean): string {
    const trimmed = artifactPath.replace(/\/+$/, '')
    if (allowRoot && trimmed.replace(/^\/+/, '') === '') return this.rootDir
    if (pathNotUnique(trimmed)) {
      throw new MlflowStoreError('INVALID_PARAMETER_VALUE', `invalid artifact path '${artifactPath}'`)
    }
    return join(this.rootDir, ...trimmed.split('/'))
  }
}
