import type { ModelRegistryStore } from '../registry-store.js'
import type { TrackingStore } from '../tracking-store.js'
import { FileRegistryStore } from './file-registry-store.js'
import { FileTrackingStore } from './file-tracking-store.js'
import { fileUriToPath } from './file-uri.js'
import { StoreRoot } from './store-root.js'

export interface FileStore {
  tracking: TrackingStore
  registry: ModelRegistryStore
  /** The absolute `mlruns` folder. */
  rootDir: string
}

/**
 * MLflow's local file store, for `file:./mlruns`, `file:///abs/mlruns` or a plain path (relative
 * to `cwd`). Nothing is touched on disk until the first call; a new store then gets the default
 * experiment, as MLflow creates it.
 */
export function openFileStore(trackingUri: string, cwd: string): FileStore {
  const rootDir = fileUriToPath(trackingUri, cwd)
  const root = new StoreRoot(rootDir)
  return {
    tracking: new FileTrackingStore(root, trackingUri, cwd),
    registry: new FileRegistryStore(root),
    rootDir,
  }
}
