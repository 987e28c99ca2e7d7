import { createReadStream, statSync } from 'node:fs'
import type { ArtifactFile } from '../entities.js'
import type { ArtifactRepository } from '../tracking-store.js'
import type { HttpClient } from './http-client.js'

const PROXY = '/api/2.0/mlflow-artifacts/artifacts'

/**
 * Artifacts through the tracking server's artifact proxy (`mlflow server` serves them by default):
 * `mlflow-artifacts:/<path>` maps to `<server>/api/2.0/mlflow-artifacts/artifacts/<path>`.
 */
export class ProxiedArtifactRepository implements ArtifactRepository {
  private readonly root: string

  constructor(
    private readonly http: HttpClient,
    artifactUri: string,
  ) {
    this.root = proxiedRoot(artifactUri)
  }

  async logFile(localPath: string, artifactPath: string): Promise<void> {
    const size = statSync(localPath).size
    await this.http.send({
      method: 'PUT',
      path: `${PROXY}/${encodePath(joinPath(this.root, artifactPath))}`,
      // A stream per attempt: a large file is never held in memory, and a retry re-reads it.
      stream: () => ({ body: createReadStream(localPath), length: size }),
    })
  }

  async list(dir = ''): Promise<ArtifactFile[]> {
    const path = dir.replace(/\/+$/, '')
    const listing = await this.http.json<{ files?: Array<{ path: string; is_dir?: boolean; file_size?: number | string }> }>({
      method: 'GET',
      path: PROXY,
      query: { path: joinPath(this.root, path) },
    })
    return (listing.files ?? []).map((f) => ({
      path: path ? `${path}/${f.path}` : f.path,
      isDir: Boolean(f.is_dir),
      fileSize: f.file_size === undefined ? undefined : Number(f.file_size),
    }))
  }
}

export function proxiedRoot(artifactUri: string): string {
  const match = /^mlflow-artifacts:(?:\/\/[^/]*)?\/?(.*)$/.exec(artifactUri)
  if (!match) {
    throw new Error(
      `the run's artifact location is ${artifactUri}, which this tracking server does not proxy; ` +
        'start the server with artifact serving on (the default; not --no-serve-artifacts) so artifacts can be uploaded through it',
    )
  }
  return (match[1] ?? '').replace(/\/+$/, '')
}

const joinPath = (a: string, b: string) => [a, b].filter((p) => p !== '').join('/')
const encodePath = (p: string) => p.split('/').map(encodeURIComponent).join('/')
