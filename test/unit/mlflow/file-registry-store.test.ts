import assert from 'node:assert/strict'
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { parse, stringify } from 'yaml'
import { FileRegistryStore } from '../../../src/mlflow/file/file-registry-store.js'
import { MlflowStoreError } from '../../../src/mlflow/store-error.js'
import { StoreRoot } from '../../../src/mlflow/file/store-root.js'
import { openFileStore } from '../../../src/mlflow/file/open-file-store.js'

interface Fixture {
  registry: FileRegistryStore
  rootDir: string
  tick: (ms?: number) => void
}

/** A registry on a temp dir with a clock the test moves, so timestamps are exact. */
async function withRegistry(fn: (f: Fixture) => Promise<void>) {
  const rootDir = await mkdtemp(join(tmpdir(), 'file-registry-'))
  let now = 1_000
  const clock = () => now
  try {
    await fn({
      registry: new FileRegistryStore(new StoreRoot(rootDir, clock), clock),
      rootDir,
      tick: (ms = 1) => {
        now += ms
      },
    })
  } finally {
    await rm(rootDir, { recursive: true, force: true })
  }
}

const yamlFile = async (path: string) => parse(await readFile(path, 'utf8'), { version: '1.1' }) as Record<string, unknown>
const errorCode = (code: string) => (error: unknown) => error instanceof MlflowStoreError && error.errorCode === code
const RUN = '0123456789abcdef0123456789abcdef'

async function modelWithVersions(f: Fixture, count: number) {
  await f.registry.createRegisteredModel('Churn')
  for (let i = 0; i < count; i++) {
    f.tick()
    await f.registry.createModelVersion({ name: 'Churn', source: `file:///m/${i + 1}`, runId: RUN, tags: {} })
  }
}

describe('FileRegistryStore', () => {
  test('createRegisteredModel writes models/<name>/meta.yaml; a second one with that name is refused', async () => {
    await withRegistry(async ({ registry, rootDir }) => {
      assert.deepEqual(await registry.createRegisteredModel('Churn', 'the model'), {
        name: 'Churn',
        description: 'the model',
        aliases: {},
        tags: {},
      })
      assert.deepEqual(await yamlFile(join(rootDir, 'models', 'Churn', 'meta.yaml')), {
        aliases: {},
        creation_timestamp: 1_000,
        deployment_job_id: null,
        deployment_job_state: null,
        description: 'the model',
        last_updated_timestamp: 1_000,
        name: 'Churn',
        workspace: 'default',
      })
      assert.deepEqual(await registry.getRegisteredModel('Churn'), { name: 'Churn', description: 'the model', aliases: {}, tags: {} })
      assert.equal(await registry.getRegisteredModel('Other'), undefined)
      await assert.rejects(registry.createRegisteredModel('Churn'), errorCode('RESOURCE_ALREADY_EXISTS'))
      await registry.createRegisteredModel('NoDescription')
      assert.equal((await yamlFile(join(rootDir, 'models', 'NoDescription', 'meta.yaml'))).description, null)
      assert.deepEqual(await registry.getRegisteredModel('NoDescription'), { name: 'NoDescription', aliases: {}, tags: {} })
      for (const bad of ['a/b', '..', '%x', '']) await assert.rejects(registry.createRegisteredModel(bad), errorCode('INVALID_PARAMETER_VALUE'))
    })
  })

  test('createModelVersion numbers versions from 1 and writes version-<n>/meta.yaml and tags/', async () => {
    await withRegistry(async (f) => {
      await f.registry.createRegisteredModel('Churn')
      f.tick(4)
      const v1 = await f.registry.createModelVersion({
        name: 'Churn',
        source: 'file:///mlruns/1/abc/artifacts/model',
        runId: RUN,
        runLink: 'https://ci/run/1',
        description: 'first',
        tags: { 'github.pr': '7', 'nested/key': 'v' },
      })
      assert.deepEqual(v1, {
        name: 'Churn',
        version: '1',
        source: 'file:///mlruns/1/abc/artifacts/model',
        runId: RUN,
        currentStage: 'None',
        status: 'READY',
        description: 'first',
        aliases: [],
        tags: { 'github.pr': '7', 'nested/key': 'v' },
        creationTimestamp: 1_004,
      })
      const dir = join(f.rootDir, 'models', 'Churn', 'version-1')
      assert.deepEqual(await yamlFile(join(dir, 'meta.yaml')), {
        creation_timestamp: 1_004,
        current_stage: 'None',
        deployment_job_state: null,
        description: 'first',
        last_updated_timestamp: 1_004,
        model_id: null,
        name: 'Churn',
        run_id: RUN,
        run_link: 'https://ci/run/1',
        source: 'file:///mlruns/1/abc/artifacts/model',
        status: 'READY',
        status_message: null,
        storage_location: 'file:///mlruns/1/abc/artifacts/model',
        user_id: null,
        version: 1,
        workspace: 'default',
      })
      assert.equal(await readFile(join(dir, 'tags', 'nested', 'key'), 'utf8'), 'v')
      assert.equal((await yamlFile(join(f.rootDir, 'models', 'Churn', 'meta.yaml'))).last_updated_timestamp, 1_004)

      const v2 = await f.registry.createModelVersion({ name: 'Churn', source: 's', runId: RUN, tags: {} })
      assert.equal(v2.version, '2')
      assert.equal(v2.description, undefined)
      await assert.rejects(
        f.registry.createModelVersion({ name: 'Missing', source: 's', runId: RUN, tags: {} }),
        errorCode('RESOURCE_DOES_NOT_EXIST'),
      )
    })
  })

  test('concurrent createModelVersion calls get distinct numbers', async () => {
    await withRegistry(async ({ registry, rootDir }) => {
      await registry.createRegisteredModel('Churn')
      const versions = await Promise.all(
        Array.from({ length: 6 }, () => registry.createModelVersion({ name: 'Churn', source: 's', runId: RUN, tags: {} })),
      )
      assert.deepEqual(versions.map((v) => Number(v.version)).sort((a, b) => a - b), [1, 2, 3, 4, 5, 6])
      assert.equal((await readdir(join(rootDir, 'models', 'Churn'))).filter((d) => d.startsWith('version-')).length, 6)
    })
  })

  test('getModelVersion: undefined when missing or deleted', async () => {
    await withRegistry(async (f) => {
      await modelWithVersions(f, 2)
      assert.equal((await f.registry.getModelVersion('Churn', '2'))?.source, 'file:///m/2')
      assert.equal(await f.registry.getModelVersion('Churn', '3'), undefined)
      assert.equal(await f.registry.getModelVersion('Missing', '1'), undefined)
      const meta = join(f.rootDir, 'models', 'Churn', 'version-2', 'meta.yaml')
      await writeFile(meta, stringify({ ...(await yamlFile(meta)), current_stage: 'Deleted_Internal' }))
      assert.equal(await f.registry.getModelVersion('Churn', '2'), undefined)
      // A deleted version's number is not reused.
      const v3 = await f.registry.createModelVersion({ name: 'Churn', source: 's', runId: RUN, tags: {} })
      assert.equal(v3.version, '3')
      await assert.rejects(f.registry.getModelVersion('Churn', 'x'), errorCode('INVALID_PARAMETER_VALUE'))
    })
  })

  test('setRegisteredModelAlias writes aliases/<alias> holding the version, and moves it', async () => {
    await withRegistry(async (f) => {
      await modelWithVersions(f, 2)
      f.tick(10)
      await f.registry.setRegisteredModelAlias('Churn', 'champion', '1')
      const modelDir = join(f.rootDir, 'models', 'Churn')
      assert.equal(await readFile(join(modelDir, 'aliases', 'champion'), 'utf8'), '1')
      const meta = await yamlFile(join(modelDir, 'meta.yaml'))
      assert.deepEqual([meta.aliases, meta.last_updated_timestamp], [{ champion: '1' }, 1_012])
      assert.deepEqual((await f.registry.getModelVersionByAlias('Churn', 'champion'))?.aliases, ['champion'])

      await f.registry.setRegisteredModelAlias('Churn', 'champion', '2')
      assert.equal((await f.registry.getModelVersionByAlias('Churn', 'champion'))?.version, '2')
      assert.deepEqual((await f.registry.getModelVersion('Churn', '1'))?.aliases, [])
      assert.deepEqual((await f.registry.getRegisteredModel('Churn'))?.aliases, { champion: '2' })

      await assert.rejects(f.registry.setRegisteredModelAlias('Churn', 'champion', '9'), errorCode('RESOURCE_DOES_NOT_EXIST'))
      await assert.rejects(f.registry.setRegisteredModelAlias('Missing', 'champion', '1'), errorCode('RESOURCE_DOES_NOT_EXIST'))
      for (const reserved of ['latest', 'v1', 'bad alias', '../x']) {
        await assert.rejects(f.registry.setRegisteredModelAlias('Churn', reserved, '1'), errorCode('INVALID_PARAMETER_VALUE'))
      }
    })
  })

  test('getModelVersionByAlias: undefined for a missing model or alias; `latest` is the highest version', async () => {
    await withRegistry(async (f) => {
      assert.equal(await f.registry.getModelVersionByAlias('Churn', 'champion'), undefined)
      await modelWithVersions(f, 3)
      assert.equal(await f.registry.getModelVersionByAlias('Churn', 'champion'), undefined)
      assert.equal((await f.registry.getModelVersionByAlias('Churn', 'latest'))?.version, '3')
    })
  })

  test('transitionModelVersionStage archives the others in that stage only when asked', async () => {
    await withRegistry(async (f) => {
      await modelWithVersions(f, 3)
      f.tick(100)
      const v1 = await f.registry.transitionModelVersionStage('Churn', '1', 'production', false)
      assert.equal(v1.currentStage, 'Production')
      await f.registry.transitionModelVersionStage('Churn', '2', 'Production', false)
      const stages = async () =>
        (await f.registry.searchModelVersions({ name: 'Churn' }))
          .map((v) => [v.version, v.currentStage])
          .sort()
      assert.deepEqual(await stages(), [['1', 'Production'], ['2', 'Production'], ['3', 'None']])

      f.tick()
      await f.registry.transitionModelVersionStage('Churn', '3', 'Production', true)
      assert.deepEqual(await stages(), [['1', 'Archived'], ['2', 'Archived'], ['3', 'Production']])
      const meta = await yamlFile(join(f.rootDir, 'models', 'Churn', 'version-1', 'meta.yaml'))
      assert.deepEqual([meta.current_stage, meta.last_updated_timestamp], ['Archived', 1_104])

      await assert.rejects(f.registry.transitionModelVersionStage('Churn', '1', 'Archived', true), errorCode('INVALID_PARAMETER_VALUE'))
      await assert.rejects(f.registry.transitionModelVersionStage('Churn', '1', 'Prod', false), errorCode('INVALID_PARAMETER_VALUE'))
      await assert.rejects(f.registry.transitionModelVersionStage('Churn', '7', 'Staging', false), errorCode('RESOURCE_DOES_NOT_EXIST'))
    })
  })

  test('getLatestVersions: the highest version in each stage asked for', async () => {
    await withRegistry(async (f) => {
      assert.deepEqual(await f.registry.getLatestVersions('Churn', ['Production']), [])
      await modelWithVersions(f, 4)
      await f.registry.transitionModelVersionStage('Churn', '1', 'Production', false)
      await f.registry.transitionModelVersionStage('Churn', '2', 'Production', false)
      await f.registry.transitionModelVersionStage('Churn', '3', 'Staging', false)
      const latest = async (stages: string[]) =>
        (await f.registry.getLatestVersions('Churn', stages)).map((v) => [v.currentStage, v.version])
      assert.deepEqual(await latest(['Production']), [['Production', '2']])
      assert.deepEqual(await latest(['staging', 'Production']), [['Staging', '3'], ['Production', '2']])
      assert.deepEqual(await latest([]), [['None', '4'], ['Staging', '3'], ['Production', '2']])
      assert.deepEqual(await latest(['Archived']), [])
      await assert.rejects(f.registry.getLatestVersions('Churn', ['Live']), errorCode('INVALID_PARAMETER_VALUE'))
    })
  })

  test('searchModelVersions: every version of the model, by run id too, newest update first', async () => {
    await withRegistry(async (f) => {
      assert.deepEqual(await f.registry.searchModelVersions({ name: 'Churn' }), [])
      await modelWithVersions(f, 2)
      f.tick()
      await f.registry.createModelVersion({ name: 'Churn', source: 's', runId: 'f'.repeat(32), tags: {} })
      const versions = async (query: { name: string; runId?: string }) =>
        (await f.registry.searchModelVersions(query)).map((v) => v.version)
      assert.deepEqual(await versions({ name: 'Churn' }), ['3', '2', '1'])
      assert.deepEqual(await versions({ name: 'Churn', runId: RUN }), ['2', '1'])
      f.tick()
      await f.registry.updateModelVersionDescription('Churn', '1', 'now updated')
      assert.deepEqual(await versions({ name: 'Churn' }), ['1', '3', '2'])
    })
  })

  test('updateModelVersionDescription and setModelVersionTag', async () => {
    await withRegistry(async (f) => {
      await modelWithVersions(f, 1)
      const description = '| metric | Δ |\n| --- | --- |\n| f1 | +0.02 |\n'
      await f.registry.updateModelVersionDescription('Churn', '1', description)
      await f.registry.setModelVersionTag('Churn', '1', 'gate.verdict', 'better')
      await f.registry.setModelVersionTag('Churn', '1', 'gate.verdict', 'worse')
      const version = await f.registry.getModelVersion('Churn', '1')
      assert.equal(version?.description, description)
      assert.deepEqual(version?.tags, { 'gate.verdict': 'worse' })
      await assert.rejects(f.registry.setModelVersionTag('Churn', '1', '../x', 'v'), errorCode('INVALID_PARAMETER_VALUE'))
      await assert.rejects(f.registry.setModelVersionTag('Churn', '2', 'k', 'v'), errorCode('RESOURCE_DOES_NOT_EXIST'))
      await assert.rejects(f.registry.updateModelVersionDescription('Churn', '2', 'd'), errorCode('RESOURCE_DOES_NOT_EXIST'))
    })
  })

  test('reads a version written by older MLflow (version and ids as ints, fewer keys)', async () => {
    await withRegistry(async (f) => {
      await f.registry.createRegisteredModel('Old')
      const dir = join(f.rootDir, 'models', 'Old', 'version-1')
      await mkdir(dir)
      await writeFile(
        join(dir, 'meta.yaml'),
        'creation_timestamp: 5\ncurrent_stage: Staging\ndescription: null\nlast_updated_timestamp: 6\nname: Old\n' +
          "run_id: abc\nsource: file:///x\nstatus: READY\nstatus_message: ''\nuser_id: null\nversion: 1\n",
      )
      assert.deepEqual(await f.registry.getModelVersion('Old', '1'), {
        name: 'Old',
        version: '1',
        source: 'file:///x',
        runId: 'abc',
        currentStage: 'Staging',
        status: 'READY',
        aliases: [],
        tags: {},
        creationTimestamp: 5,
      })
    })
  })
})

describe('a store that came with the pull request', () => {
  test('an alias file that is a symbolic link is refused, and nothing it points at is read', async () => {
    const root = mkdtempSync(join(tmpdir(), 'planted-'))
    try {
      const { registry } = openFileStore(`file:${root}`, root)
      await registry.createRegisteredModel('Planted')
      const secret = join(root, 'secret.txt')
      writeFileSync(secret, 'TOKEN=hunter2')
      mkdirSync(join(root, 'models', 'Planted', 'aliases'), { recursive: true })
      symlinkSync(secret, join(root, 'models', 'Planted', 'aliases', 'champion'))
      await assert.rejects(registry.getModelVersionByAlias('Planted', 'champion'), (error: unknown) => {
        assert.ok(error instanceof MlflowStoreError)
        assert.match(error.message, /is a symbolic link/)
        assert.doesNotMatch(error.message, /hunter2/)
        return true
      })
      writeFileSync(join(root, 'models', 'Planted', 'aliases', 'champion2'), 'TOKEN=hunter2')
      await assert.rejects(registry.getModelVersionByAlias('Planted', 'champion2'), (error: unknown) => {
        assert.match(String(error), /holds no version number/)
        assert.doesNotMatch(String(error), /hunter2/)
        return true
      })
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
