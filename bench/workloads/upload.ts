// Logging one large artifact: through the tracking server's artifact proxy (streamed PUT) and into
// the file store (streamed copy). Peak RSS far below the file size shows neither holds the file.
import { mkdtempSync, rmSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { openFileStore } from '../../src/mlflow/file/open-file-store.js'
import { connectionFromEnv } from '../../src/mlflow/rest/credentials.js'
import { HttpClient } from '../../src/mlflow/rest/http-client.js'
import { ProxiedArtifactRepository } from '../../src/mlflow/rest/proxied-artifact-repository.js'
import { FIXTURE_FILES } from '../fixtures.js'
import type { Workload } from '../workload.js'

const mebibytes = (bytes: number) => `${Math.round(bytes / 1024 / 1024)} MiB`

export const uploadThroughProxy: Workload = async ({ fixtureDir, serverUrl }) => {
  if (!serverUrl) throw new Error('the upload case needs the discarding server')
  const file = join(fixtureDir, FIXTURE_FILES['big-file'])
  const size = statSync(file).size
  const http = new HttpClient(connectionFromEnv(serverUrl, {}))
  const repository = new ProxiedArtifactRepository(http, 'mlflow-artifacts:/1/abc/artifacts')
  return {
    run: () => repository.logFile(file, 'big.bin'),
    check: async () => {
      const { bytes, path } = (await (await fetch(`${serverUrl}/received`)).json()) as { bytes: number; path: string }
      if (bytes !== size) throw new Error(`the server received ${bytes} bytes of ${size}`)
      return `PUT ${mebibytes(size)} to ${path}; the server counted ${bytes.toLocaleString('en')} bytes`
    },
    cleanup: () => http.close(),
  }
}

export const copyIntoFileStore: Workload = async ({ fixtureDir }) => {
  const file = join(fixtureDir, FIXTURE_FILES['big-file'])
  const size = statSync(file).size
  const storeDir = mkdtempSync(join(fixtureDir, 'file-store-'))
  const { tracking } = openFileStore('file:' + storeDir, storeDir)
  const experimentId = await tracking.createExperiment('bench')
  const run = await tracking.createRun({ experimentId, runName: 'bench', startTime: Date.now(), userId: 'bench', tags: [] })
  const repository = tracking.artifacts(run.info.artifactUri)
  return {
    run: () => repository.logFile(file, 'big.bin'),
    check: async () => {
      const listed = (await repository.list()).find((f) => f.path === 'big.bin')
      if (listed?.fileSize !== size) throw new Error(`the store holds ${listed?.fileSize} bytes of ${size}`)
      return `copied ${mebibytes(size)} into the run's artifacts`
    },
    cleanup: () => rmSync(storeDir, { recursive: true, force: true }),
  }
}
