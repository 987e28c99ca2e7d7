import assert from 'node:assert/strict'
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, test } from 'node:test'
import fc from 'fast-check'
import { parse } from 'yaml'
import { formatMetaYaml, readMetaYaml, writeMetaYaml } from '../../../src/mlflow/file/meta-yaml.js'

describe('meta.yaml', () => {
  test('is written as PyYAML safe_dump writes it (sorted keys, block style, quoted ids)', () => {
    // The text MLflow 3.17 wrote for this experiment.
    const expected = [
      'artifact_location: file:///tmp/fsprobe/mlruns/482304638617767091',
      'creation_time: 1796285691706',
      'effective_trace_archival_retention: null',
      "experiment_id: '482304638617767091'",
      'last_update_time: 1796285691706',
      'lifecycle_stage: active',
      'name: probe exp',
      'trace_location: null',
      'workspace: default',
      '',
    ].join('\n')
    const data = {
      workspace: 'default',
      name: 'probe exp',
      experiment_id: '482304638617767091',
      artifact_location: 'file:///tmp/fsprobe/mlruns/482304638617767091',
      trace_location: null,
      lifecycle_stage: 'active',
      last_update_time: 1796285691706,
      effective_trace_archival_retention: null,
      creation_time: 1796285691706,
    }
    assert.equal(formatMetaYaml(data), expected)
    assert.equal(formatMetaYaml({ tags: [], aliases: {}, entry_point_name: '' }), "aliases: {}\nentry_point_name: ''\ntags: []\n")
  })

  test('strings YAML 1.1 would read as something else stay strings', () => {
    for (const value of ['yes', 'No', 'on', 'OFF', 'null', '~', '1:20', '0123', '1_000', '.inf', '2001-12-14', '', '3']) {
      const text = formatMetaYaml({ description: value })
      assert.deepEqual(parse(text, { version: '1.1' }), { description: value }, text)
    }
  })

  test('any string survives a write and a read', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (value) => {
        assert.deepEqual(parse(formatMetaYaml({ description: value }), { version: '1.1' }), { description: value })
      }),
    )
  })

  test('writes through a temporary file and reads back', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'meta-yaml-'))
    try {
      assert.equal(await readMetaYaml(dir), undefined)
      await writeMetaYaml(dir, { b: 1, a: 'x' })
      await writeMetaYaml(dir, { b: 2, a: 'z' })
      assert.deepEqual(await readdir(dir), ['meta.yaml'])
      assert.equal(await readFile(join(dir, 'meta.yaml'), 'utf8'), 'a: z\nb: 2\n')
      assert.deepEqual(await readMetaYaml(dir), { a: 'z', b: 2 })
      await writeFile(join(dir, 'meta.yaml'), '')
      assert.equal(await readMetaYaml(dir), undefined)
      await writeFile(join(dir, 'meta.yaml'), '- a list\n')
      await assert.rejects(readMetaYaml(dir), /does not hold a mapping/)
    } finally {
      await rm(dir, { recursive: true, force: true })
    }
  })
})
