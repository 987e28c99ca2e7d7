import { openFileStore } from './file/open-file-store.js'
import type { ModelRegistryStore } from './registry-store.js'
import { connectionFromEnv } from './rest/credentials.js'
import { HttpClient } from './rest/http-client.js'
import { RestRegistryStore } from './rest/rest-registry-store.js'
import { RestTrackingStore } from './rest/rest-tracking-store.js'
import type { TrackingStore } from './tracking-store.js'

export interface MlflowStores {
  tracking: TrackingStore
  registry: ModelRegistryStore
  /** Values to mask in every log line (credentials). */
  secrets: string[]
  close(): Promise<void>
}

/** Chooses the store for a tracking URI, as MLflow's tracking-store registry does by scheme. */
export function openStores(trackingUri: string, cwd: string, env: NodeJS.ProcessEnv = process.env): MlflowStores {
  if (/^https?:\/\//i.test(trackingUri)) {
    const connection = connectionFromEnv(trackingUri, env)
    const http = new HttpClient(connection)
    return {
      tracking: new RestTrackingStore(http),
      registry: new RestRegistryStore(http),
      secrets: connection.secrets,
      close: () => http.close(),
    }
  }
  const store = openFileStore(trackingUri, cwd)
  return { tracking: store.tracking, registry: store.registry, secrets: [], close: async () => {} }
}
