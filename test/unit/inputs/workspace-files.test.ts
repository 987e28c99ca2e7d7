import assert from 'node:assert/strict'
import { mkdirSync, mkdtempSync, realpathSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { after, describe, test } from 'node:test'
import { InputError } from '../../../src/inputs/input-error.js'
import { Workspace } from '../../../src/inputs/workspace-files.js'

// Layout: <base>/outside/secret.txt is outside the workspace <base>/ws.
const base = realpathSync(mkdtempSync(join(tmpdir(), 'workspace-files-')))
const root = join(base, 'ws')
const outside = join(base, 'outside')
const write = (path: string, text = 'x') => {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}
write(join(outside, 'secret.txt'), 'TOP-SECRET-CONTENT')
write(join(outside, 'dir/leak.txt'), 'TOP-SECRET-CONTENT')
write(join(root, 'artifacts/training_results.json'), '{"a": 1}')
write(join(root, 'reports/roc.png'), 'png')
write(join(root, 'reports/sub/deep.txt'), 'deep')
write(join(root, 'reports/.hidden'), 'dot')
write(join(root, 'models/churn/MLmodel'), 'flavors: {}')
write(join(root, 'models/churn/model.pkl'), 'pickle')
write(join(root, 'models/churn/extra/conda.yaml'), 'deps')
write(join(root, '.git/config'), '[core]')
symlinkSync(join(outside, 'secret.txt'), join(root, 'reports/leak.txt'))
symlinkSync(join(outside, 'dir'), join(root, 'linked-outside-dir'))
symlinkSync(join(root, '.git/config'), join(root, 'git-config-link'))
symlinkSync(join(root, 'reports'), join(root, 'reports-link'))
symlinkSync(join(root, 'reports/roc.png'), join(root, 'roc-link.png'))
after(() => rmSync(base, { recursive: true, force: true }))

const ws = new Workspace(root)

function refused(fn: () => unknown, input: string, pattern: RegExp) {
  assert.throws(fn, (error: unknown) => {
    assert.ok(error instanceof InputError, String(error))
    assert.equal(error.source, input)
    assert.match(error.message, pattern)
    // The content of a file is never echoed.
    assert.ok(!error.message.includes('TOP-SECRET'), error.message)
    return true
  })
}

describe('Workspace', () => {
  test('a workspace that does not exist is an error', () => {
    refused(() => new Workspace(join(base, 'missing')), 'GITHUB_WORKSPACE', /does not exist/)
  })

  test('a relative file inside the workspace', () => {
    const file = ws.file('results', './artifacts/training_results.json')
    assert.deepEqual(file, {
      input: './artifacts/training_results.json',
      absolute: join(root, 'artifacts/training_results.json'),
      relative: 'artifacts/training_results.json',
      size: 8,
    })
  })

  test('the relative path is normalised, so artifact paths never carry ./ or //', () => {
    assert.equal(ws.file('results', 'artifacts//./training_results.json').relative, 'artifacts/training_results.json')
    assert.equal(ws.file('results', 'artifacts\\training_results.json').relative, 'artifacts/training_results.json')
  })

  test('absolute paths and .. are refused', () => {
    refused(() => ws.file('results', join(root, 'artifacts/training_results.json')), 'results', /absolute path/)
    refused(() => ws.file('results', 'C:/data/results.json'), 'results', /absolute path/)
    refused(() => ws.file('results', '../outside/secret.txt'), 'results', /uses "\.\."/)
    refused(() => ws.file('results', 'artifacts/../../outside/secret.txt'), 'results', /uses "\.\."/)
    refused(() => ws.file('results', ''), 'results', /empty/)
  })

  test('a missing file and a directory where a file belongs are refused', () => {
    refused(() => ws.file('results', 'nope.json'), 'results', /"nope.json" does not exist in the workspace/)
    refused(() => ws.file('results', 'reports'), 'results', /not a regular file/)
  })

  test('a symlink that leads out of the workspace is refused', () => {
    refused(() => ws.file('results', 'reports/leak.txt'), 'results', /symbolic link that leads out of the workspace/)
    refused(() => ws.file('results', 'linked-outside-dir/leak.txt'), 'results', /leads out of the workspace/)
  })

  test('.git is never read, directly or through a symlink', () => {
    refused(() => ws.file('results', '.git/config'), 'results', /inside \.git\//)
    refused(() => ws.file('results', './.git/config'), 'results', /inside \.git\//)
    refused(() => ws.file('results', 'git-config-link'), 'results', /inside \.git\//)
  })

  test('a symlink to a file inside the workspace is followed, and keeps the path the user gave', () => {
    const file = ws.file('results', 'roc-link.png')
    assert.equal(file.absolute, join(root, 'reports/roc.png'))
    assert.equal(file.relative, 'roc-link.png')
  })
})

describe('Workspace.fileOrDirectory', () => {
  test('a directory is listed recursively, sorted, each entry a checked file', () => {
    const found = ws.fileOrDirectory('model-path', 'models/churn/')
    assert.equal(found.isDirectory, true)
    assert.equal(found.relative, 'models/churn')
    assert.equal(found.absolute, join(root, 'models/churn'))
    assert.deepEqual(
      found.files.map((f) => [f.relative, f.absolute]),
      [
        ['models/churn/MLmodel', join(root, 'models/churn/MLmodel')],
        ['models/churn/extra/conda.yaml', join(root, 'models/churn/extra/conda.yaml')],
        ['models/churn/model.pkl', join(root, 'models/churn/model.pkl')],
      ],
    )
  })

  test('a doubled slash does not change the listing', () => {
    const found = ws.fileOrDirectory('model-path', 'models//churn')
    assert.equal(found.relative, 'models/churn')
    assert.ok(found.files.every((f) => f.relative.startsWith('models/churn/')))
  })

  test('a single file', () => {
    const found = ws.fileOrDirectory('model-path', 'models/churn/model.pkl')
    assert.equal(found.isDirectory, false)
    assert.deepEqual(found.files.map((f) => f.relative), ['models/churn/model.pkl'])
  })

  test('a directory holding a symlink out of the workspace is refused', () => {
    refused(() => ws.fileOrDirectory('model-path', 'reports'), 'model-path', /reports\/leak.txt" is a symbolic link that leads out/)
  })

  test('.git as a directory is refused', () => {
    refused(() => ws.fileOrDirectory('model-path', '.git'), 'model-path', /inside \.git\//)
  })
})

describe('Workspace.glob', () => {
  test('globs match files relative to the workspace, dot files included, each once', () => {
    const { files, unmatched } = ws.glob('artifacts', ['reports/*.png', 'reports/**/*.txt', 'reports/roc.png', 'reports/.hidden'])
    assert.deepEqual(files.map((f) => f.relative), ['reports/roc.png', 'reports/sub/deep.txt', 'reports/.hidden'])
    assert.deepEqual(unmatched, [])
  })

  test('patterns matching nothing are reported', () => {
    const { files, unmatched } = ws.glob('artifacts', ['artifacts/*.json', 'plots/*.svg', 'reports'])
    assert.deepEqual(files.map((f) => f.relative), ['artifacts/training_results.json'])
    assert.deepEqual(unmatched, ['plots/*.svg', 'reports'])
  })

  test('symlinked directories are not followed, even when the pattern names them', () => {
    const patterns = ['reports-link/**/*.png', 'reports-link/*.png', 'linked-outside-dir/**', 'linked-outside-dir/*.txt', '**/leak.txt']
    const { files, unmatched } = ws.glob('artifacts', patterns)
    assert.deepEqual(files, [])
    assert.deepEqual(unmatched, patterns)
  })

  test('symlinked files are not matched either, so a link out of the workspace is never read', () => {
    const { files, unmatched } = ws.glob('artifacts', ['reports/*.txt', 'roc-link.png', 'git-config-link'])
    assert.deepEqual(files, [])
    assert.deepEqual(unmatched, ['reports/*.txt', 'roc-link.png', 'git-config-link'])
  })

  test('.git is never matched', () => {
    const { files } = ws.glob('artifacts', ['**/config', '.git/*'])
    assert.deepEqual(files, [])
  })

  test('absolute and .. patterns are refused', () => {
    refused(() => ws.glob('artifacts', ['/etc/*']), 'artifacts', /expected a glob relative to the workspace/)
    refused(() => ws.glob('artifacts', ['../outside/*']), 'artifacts', /expected a glob relative to the workspace/)
  })
})

describe('nested .git folders', () => {
  test('are never read, whatever their case, and globs pass over them', () => {
    const root = mkdtempSync(join(tmpdir(), 'ws-nested-git-'))
    try {
      mkdirSync(join(root, 'sub/.git'), { recursive: true })
      writeFileSync(join(root, 'sub/.git/config'), '[http] extraheader = AUTHORIZATION: basic c2VjcmV0')
      writeFileSync(join(root, 'sub/report.txt'), 'ok')
      const ws = new Workspace(root)
      assert.throws(() => ws.file('params-files', 'sub/.git/config'), /inside \.git\//)
      assert.throws(() => ws.file('params-files', 'sub/.GIT/config'), /inside \.git\/|does not exist/)
      assert.deepEqual(ws.glob('artifacts', ['**/*']).files.map((f) => f.relative), ['sub/report.txt'])
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })
})
