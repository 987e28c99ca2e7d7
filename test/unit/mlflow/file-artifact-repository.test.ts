import assert from 'node:assert/strict'
import { createHash, randomBytes } from 'node:crypto'
import { createReadStream } from 'node:fs'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import { FileArtifactRepository } from '../../../src/mlflow/file/file-artifact-repository.js'
import { pathToFileUri } from '../../../src/mlflow/file/file-uri.js'

async function withDir(fn: (dir: string) => Promise<void>) {
  const dir = await mkdtemp(join(tmpdir(), 'file-artifacts-'))
  try {
    await fn(dir)
  } finally {
    await rm(dir, { recursive: true, force: true })
  }
}

const sha256 = (path: string) =>
  new Promise<string>((resolve, reject) => {
    const hash = createHash('sha256')
    createReadStream(path).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex'))).on('error', reject)
  })

describe('FileArtifactRepository', () => {
  test('logs files at nested paths and lists one level at a time', async () => {
    await withDir(async (dir) => {
      const root = join(dir, 'my runs', 'artifacts')
      const repo = new FileArtifactRepository(pathToFileUri(root), '/')
      assert.equal(repo.rootDir, root)
      await writeFile(join(dir, 'a.txt'), 'hello')
      await repo.logFile(join(dir, 'a.txt'), 'results.json')
      await repo.logFile(join(dir, 'a.txt'), 'config/params.yaml')
      await repo.logFile(join(dir, 'a.txt'), 'model/data/model.pkl')
      assert.equal(await readFile(join(root, 'model', 'data', 'model.pkl'), 'utf8'), 'hello')
      assert.deepEqual(await repo.list(), [
        { path: 'config', isDir: true },
        { path: 'model', isDir: true },
        { path: 'results.json', isDir: false, fileSize: 5 },
      ])
      assert.deepEqual(await repo.list('model'), [{ path: 'model/data', isDir: true }])
      assert.deepEqual(await repo.list('model/data/'), [{ path: 'model/data/model.pkl', isDir: false, fileSize: 5 }])
      assert.deepEqual(await repo.list('missing'), [])
      assert.deepEqual(await repo.list('results.json'), [])
    })
  })

  test('copies a file larger than any stream buffer exactly, leaving no temporary file', async () => {
    await withDir(async (dir) => {
      const big = join(dir, 'big.bin')
      await writeFile(big, randomBytes(5 * 1024 * 1024 + 17))
      const repo = new FileArtifactRepository(join(dir, 'artifacts'), '/')
      await repo.logFile(big, 'model/big.bin')
      assert.equal(await sha256(join(dir, 'artifacts', 'model', 'big.bin')), await sha256(big))
      assert.deepEqual(await readdir(join(dir, 'artifacts', 'model')), ['big.bin'])
    })
  })

  test('a relative plain path is relative to the working directory', async () => {
    await withDir(async (dir) => {
      const repo = new FileArtifactRepository('mlruns/0/abc/artifacts', dir)
      assert.equal(repo.rootDir, join(dir, 'mlruns', '0', 'abc', 'artifacts'))
    })
  })

  test('refuses paths that leave the artifact root, and non-local locations', async () => {
    await withDir(async (dir) => {
      await writeFile(join(dir, 'a.txt'), 'x')
      const repo = new FileArtifactRepository(join(dir, 'artifacts'), '/')
      for (const bad of ['../escape.txt', 'a/../../b', '/etc/x', '']) {
        await assert.rejects(repo.logFile(join(dir, 'a.txt'), bad), /invalid artifact path/, bad)
      }
      await assert.rejects(repo.list('../..'), /invalid artifact path/)
      await assert.rejects(repo.logFile(join(dir, 'missing.txt'), 'x.txt'), /ENOENT/)
      // A failed copy leaves nothing behind.
      assert.deepEqual(await readdir(join(dir, 'artifacts')), [])
      assert.throws(() => new FileArtifactRepository('s3://bucket/0/abc/artifacts', '/'), /not a local folder/)
      assert.throws(() => new FileArtifactRepository('mlflow-artifacts:/0/abc/artifacts', '/'), /not a local folder/)
    })
  })
})
