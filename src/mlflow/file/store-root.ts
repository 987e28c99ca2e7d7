import { mkdir, readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { appendToUri, pathToFileUri } from './file-uri.js'
import { isMissing, writeMetaYaml } from './meta-yaml.js'
import {
  DEFAULT_EXPERIMENT_ID,
  DEFAULT_EXPERIMENT_NAME,
  LIFECYCLE_ACTIVE,
  experimentToMeta,
} from './persisted-entities.js'

export const TRASH_FOLDER = '.trash'
export const MODELS_FOLDER = 'models'

/**
 * The `mlruns` folder. Like MLflow's FileStore constructors, the first use of a new store creates
 * it with the default experiment `0`, the `.trash` folder (deleted experiments) and `models/`.
 */
export class StoreRoot {
  private initialized: Promise<void> | undefined

  constructor(
    readonly dir: string,
    private readonly now: () => number = Date.now,
  ) {}

  get trashDir(): string {
    return join(this.dir, TRASH_FOLDER)
  }

  get modelsDir(): string {
    return join(this.dir, MODELS_FOLDER)
  }

  /** The file URI MLflow gives this root (`path_to_local_file_uri`), under which experiments live. */
  get artifactRootUri(): string {
    return pathToFileUri(this.dir)
  }

  ready(): Promise<void> {
    this.initialized ??= this.initialize().catch((error: unknown) => {
      this.initialized = undefined
      throw error
    })
    return this.initialized
  }

  private async initialize(): Promise<void> {
    if (!(await isDirectory(this.dir))) {
      await mkdir(this.dir, { recursive: true })
      const experimentDir = join(this.dir, DEFAULT_EXPERIMENT_ID)
      await mkdir(experimentDir, { recursive: true })
      const experiment = {
        experimentId: DEFAULT_EXPERIMENT_ID,
        name: DEFAULT_EXPERIMENT_NAME,
        artifactLocation: appendToUri(this.artifactRootUri, DEFAULT_EXPERIMENT_ID),
        lifecycleStage: LIFECYCLE_ACTIVE,
      }
      await writeMetaYaml(experimentDir, experimentToMeta(experiment, this.now()))
    }
    await mkdir(this.trashDir, { recursive: true })
    await mkdir(this.modelsDir, { recursive: true })
  }
}

export async function isDirectory(path: string): Promise<boolean> {
  try {
    return (await stat(path)).isDirectory()
  } catch (error) {
    if (isMissing(error) || (error as NodeJS.ErrnoException).code === 'ENOTDIR') return false
    throw error
  }
}

/** The names of the folders directly under `dir` ([] when it is missing). */
export async function subfolders(dir: string): Promise<string[]> {
  try {
    const entries = await readdir(dir, { withFileTypes: true })
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()
  } catch (error) {
    if (isMissing(error)) return []
    throw error
  }
}
