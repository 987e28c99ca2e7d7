import { mkdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { ModelVersion, RegisteredModel } from '../entities.js'
import type { CreateModelVersionRequest, ModelRegistryStore } from '../registry-store.js'
import { MlflowStoreError } from '../store-error.js'
import { readKeyValue, readKeyValues, writeKeyValue } from './key-files.js'
import { readMetaYaml, writeMetaYaml } from './meta-yaml.js'
import {
  MAX_KEY_LENGTH,
  checkLength,
  parseVersion,
  validateAlias,
  validateAliasNotReserved,
  validateKey,
  validateModelName,
} from '../mlflow-names.js'
import {
  modelVersionFromMeta,
  newModelVersionMeta,
  newRegisteredModelMeta,
  registeredModelFromMeta,
} from './persisted-entities.js'
import { type StoreRoot, isDirectory, subfolders } from './store-root.js'

const TAGS = 'tags'
const ALIASES = 'aliases'
const VERSION_PREFIX = 'version-'
const STAGES = ['None', 'Staging', 'Production', 'Archived'] as const
/** The stages `archive_existing_versions` applies to. */
const ACTIVE_STAGES = new Set(['Staging', 'Production'])
/** A deleted version keeps its folder (so its number is never reused) with this stage. */
const STAGE_DELETED_INTERNAL = 'Deleted_Internal'
const MAX_TAG_VALUE_LENGTH = 100_000
const CREATE_VERSION_ATTEMPTS = 20

type StoredVersion = ModelVersion & { lastUpdatedTimestamp: number }

/** MLflow's model registry FileStore (mlflow/store/model_registry/file_store.py): `mlruns/models/`. */
export class FileRegistryStore implements ModelRegistryStore {
  constructor(
    private readonly root: StoreRoot,
    private readonly now: () => number = Date.now,
  ) {}

  async getRegisteredModel(name: string): Promise<RegisteredModel | undefined> {
    const dir = await this.modelDir(name)
    const meta = await readMetaYaml(dir)
    if (!meta) return undefined
    const model = registeredModelFromMeta(meta, join(dir, 'meta.yaml'))
    return {
      name: model.name,
      ...(model.description === undefined ? {} : { description: model.description }),
      aliases: await readKeyValues(join(dir, ALIASES)),
      tags: await readKeyValues(join(dir, TAGS)),
    }
  }

  async createRegisteredModel(name: string, description?: string): Promise<RegisteredModel> {
    const dir = await this.modelDir(name)
    try {
      await mkdir(dir)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
        throw new MlflowStoreError('RESOURCE_ALREADY_EXISTS', `registered model (name=${name}) already exists`)
      }
      throw error
    }
    await writeMetaYaml(dir, newRegisteredModelMeta(name, description, this.now()))
    return { name, ...(description === undefined ? {} : { description }), aliases: {}, tags: {} }
  }

  async getModelVersion(name: string, version: string): Promise<ModelVersion | undefined> {
    const dir = await this.modelDir(name)
    const stored = await this.readVersion(dir, parseVersion(version))
    return stored && publicVersion(stored)
  }

  async getModelVersionByAlias(name: string, alias: string): Promise<ModelVersion | undefined> {
    const dir = await this.modelDir(name)
    if (!(await isDirectory(dir))) return undefined
    if (alias.toLowerCase() === 'latest') {
      const versions = await this.readVersions(dir)
      const highest = versions.reduce<StoredVersion | undefined>(
        (best, v) => (!best || Number(v.version) > Number(best.version) ? v : best),
        undefined,
      )
      return highest && publicVersion(highest)
    }
    validateAlias(alias)
    const version = await readKeyValue(join(dir, ALIASES), alias)
    if (version === undefined) return undefined
    // What the file holds is not echoed: the store may come from a pull request.
    if (!/^\s*\d+\s*$/.test(version)) {
      throw new MlflowStoreError('INVALID_STATE', `the alias file ${join(dir, ALIASES, alias)} holds no version number`)
    }
    const stored = await this.readVersion(dir, parseVersion(version))
    return stored && publicVersion(stored)
  }

  async getLatestVersions(name: string, stages: string[]): Promise<ModelVersion[]> {
    const wanted = stages.length === 0 ? [...STAGES] : [...new Set(stages.map(canonicalStage))]
    const dir = await this.modelDir(name)
    if (!(await isDirectory(dir))) return []
    const latest = new Map<string, StoredVersion>()
    for (const version of await this.readVersions(dir)) {
      const current = latest.get(version.currentStage)
      if (!current || Number(version.version) > Number(current.version)) latest.set(version.currentStage, version)
    }
    return wanted.flatMap((stage) => {
      const version = latest.get(stage)
      return version ? [publicVersion(version)] : []
    })
  }

  async searchModelVersions(query: { name: string; runId?: string }): Promise<ModelVersion[]> {
    const dir = await this.modelDir(query.name)
    const versions = (await this.readVersions(dir)).filter((v) => query.runId === undefined || v.runId === query.runId)
    // MLflow's default order: last_updated_timestamp DESC, name ASC, version DESC.
    versions.sort(
      (a, b) => b.lastUpdatedTimestamp - a.lastUpdatedTimestamp || Number(b.version) - Number(a.version),
    )
    return versions.map(publicVersion)
  }

  async createModelVersion(request: CreateModelVersionRequest): Promise<ModelVersion> {
    const dir = await this.modelDir(request.name)
    for (const [key, value] of Object.entries(request.tags)) validateTag(key, value)
    await this.requireModel(dir, request.name)
    for (let attempt = 0; attempt < CREATE_VERSION_ATTEMPTS; attempt++) {
      const numbers = (await subfolders(dir)).flatMap((f) => (isVersionFolder(f) ? [Number(f.slice(VERSION_PREFIX.length))] : []))
      const version = Math.max(0, ...numbers) + 1
      const versionDir = join(dir, `${VERSION_PREFIX}${version}`)
      try {
        // mkdir claims the number: a concurrent writer that picked it too gets EEXIST and tries the next.
        await mkdir(versionDir)
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') continue
        throw error
      }
      const now = this.now()
      await writeMetaYaml(
        versionDir,
        newModelVersionMeta({
          name: request.name,
          version,
          source: request.source,
          runId: request.runId,
          ...(request.runLink === undefined ? {} : { runLink: request.runLink }),
          ...(request.description === undefined ? {} : { description: request.description }),
          now,
        }),
      )
      for (const [key, value] of Object.entries(request.tags)) await writeKeyValue(join(versionDir, TAGS), key, value)
      await this.touchModel(dir, now)
      const created = await this.readVersion(dir, version)
      if (!created) throw new Error(`model version ${request.name}/${version} vanished while it was created`)
      return publicVersion(created)
    }
    throw new MlflowStoreError('INVALID_STATE', `could not pick a new version number for ${request.name}`)
  }

  async updateModelVersionDescription(name: string, version: string, description: string): Promise<void> {
    const dir = await this.modelDir(name)
    const number = await this.requireVersion(dir, name, version)
    await this.editVersionMeta(dir, number, { description, last_updated_timestamp: this.now() })
  }

  async setModelVersionTag(name: string, version: string, key: string, value: string): Promise<void> {
    validateTag(key, value)
    const dir = await this.modelDir(name)
    const number = await this.requireVersion(dir, name, version)
    await writeKeyValue(join(dir, `${VERSION_PREFIX}${number}`, TAGS), key, value)
    await this.touchModel(dir, this.now())
  }

  async setRegisteredModelAlias(name: string, alias: string, version: string): Promise<void> {
    validateAlias(alias)
    validateAliasNotReserved(alias)
    const dir = await this.modelDir(name)
    const number = await this.requireVersion(dir, name, version)
    await writeKeyValue(join(dir, ALIASES), alias, String(number))
    await this.touchModel(dir, this.now())
  }

  async transitionModelVersionStage(
    name: string,
    version: string,
    stage: string,
    archiveExistingVersions: boolean,
  ): Promise<ModelVersion> {
    const target = canonicalStage(stage)
    if (archiveExistingVersions && !ACTIVE_STAGES.has(target)) {
      throw new MlflowStoreError(
        'INVALID_PARAMETER_VALUE',
        `cannot archive existing model versions when transitioning to '${stage}': only Staging and Production are active stages`,
      )
    }
    const dir = await this.modelDir(name)
    const number = await this.requireVersion(dir, name, version)
    const now = this.now()
    if (archiveExistingVersions) {
      for (const other of await this.readVersions(dir)) {
        if (Number(other.version) !== number && other.currentStage === target) {
          await this.editVersionMeta(dir, Number(other.version), { current_stage: 'Archived', last_updated_timestamp: now })
        }
      }
    }
    await this.editVersionMeta(dir, number, { current_stage: target, last_updated_timestamp: now })
    await this.touchModel(dir, now)
    const updated = await this.readVersion(dir, number)
    if (!updated) throw new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `model version (name=${name}, version=${version}) not found`)
    return publicVersion(updated)
  }

  private async modelDir(name: string): Promise<string> {
    validateModelName(name)
    await this.root.ready()
    return join(this.root.modelsDir, name)
  }

  private async requireModel(dir: string, name: string): Promise<void> {
    if (!(await readMetaYaml(dir))) {
      throw new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `registered model with name=${name} not found`)
    }
  }

  private async requireVersion(dir: string, name: string, version: string): Promise<number> {
    await this.requireModel(dir, name)
    const number = parseVersion(version)
    if (!(await this.readVersion(dir, number))) {
      throw new MlflowStoreError('RESOURCE_DOES_NOT_EXIST', `model version (name=${name}, version=${version}) not found`)
    }
    return number
  }

  /** A version that exists and is not deleted. */
  private async readVersion(modelDir: string, version: number): Promise<StoredVersion | undefined> {
    const versionDir = join(modelDir, `${VERSION_PREFIX}${version}`)
    const meta = await readMetaYaml(versionDir)
    if (!meta) return undefined
    const aliases = await readKeyValues(join(modelDir, ALIASES))
    const stored = modelVersionFromMeta(
      meta,
      join(versionDir, 'meta.yaml'),
      await readKeyValues(join(versionDir, TAGS)),
      aliasesOf(aliases, String(version)),
    )
    return stored.currentStage === STAGE_DELETED_INTERNAL ? undefined : stored
  }

  private async readVersions(modelDir: string): Promise<StoredVersion[]> {
    const versions: StoredVersion[] = []
    for (const folder of await subfolders(modelDir)) {
      if (!isVersionFolder(folder)) continue
      const version = await this.readVersion(modelDir, Number(folder.slice(VERSION_PREFIX.length)))
      if (version) versions.push(version)
    }
    return versions
  }

  private async editVersionMeta(modelDir: string, version: number, changes: Record<string, unknown>): Promise<void> {
    const versionDir = join(modelDir, `${VERSION_PREFIX}${version}`)
    const meta = await readMetaYaml(versionDir)
    if (!meta) throw new Error(`${join(versionDir, 'meta.yaml')} is missing`)
    await writeMetaYaml(versionDir, { ...meta, ...changes })
  }

  /**
   * MLflow rewrites the model's meta.yaml on every change below it: a new last_updated_timestamp
   * and its `aliases` mapping as the aliases/ folder holds it.
   */
  private async touchModel(modelDir: string, now: number): Promise<void> {
    const meta = await readMetaYaml(modelDir)
    if (!meta) throw new Error(`${join(modelDir, 'meta.yaml')} is missing`)
    const aliases = await readKeyValues(join(modelDir, ALIASES))
    await writeMetaYaml(modelDir, { ...meta, aliases, last_updated_timestamp: now })
  }
}

/** MLflow's `get_canonical_stage`: case-insensitive, one of None, Staging, Production, Archived. */
function canonicalStage(stage: string): string {
  const found = STAGES.find((s) => s.toLowerCase() === stage.toLowerCase())
  if (!found) {
    throw new MlflowStoreError('INVALID_PARAMETER_VALUE', `invalid model version stage: ${stage}; it must be one of ${STAGES.join(', ')}`)
  }
  return found
}

function validateTag(key: string, value: string): void {
  validateKey('tag', key)
  checkLength(`tag key '${key}'`, key, MAX_KEY_LENGTH)
  checkLength(`tag '${key}' value`, value, MAX_TAG_VALUE_LENGTH)
}

const isVersionFolder = (folder: string): boolean => /^version-\d+$/.test(folder)

const aliasesOf = (aliases: Record<string, string>, version: string): string[] =>
  Object.entries(aliases)
    .filter(([, v]) => v === version)
    .map(([alias]) => alias)

function publicVersion(stored: StoredVersion): ModelVersion {
  const { lastUpdatedTimestamp: _omitted, ...version } = stored
  return version
}
