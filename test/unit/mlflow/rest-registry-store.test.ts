import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { RestRegistryStore } from '../../../src/mlflow/rest/rest-registry-store.js'
import { withFakeMlflow, type Received, type Route } from '../../support/fake-mlflow-http.js'

const withRegistry = (route: Route, fn: (store: RestRegistryStore, received: Received[]) => Promise<void>) =>
  withFakeMlflow(route, (http, received) => fn(new RestRegistryStore(http), received))

const API = '/api/2.0/mlflow'
const version = (v: number | string, extra: Record<string, unknown> = {}) => ({
  name: 'BankChurn',
  version: v,
  source: `mlflow-artifacts:/7/run${v}/artifacts/model`,
  run_id: `run${v}`,
  current_stage: 'None',
  status: 'READY',
  aliases: [],
  tags: [{ key: 'github.pr', value: '42' }],
  creation_timestamp: '1700000000000',
  ...extra,
})

describe('RestRegistryStore', () => {
  test('a missing alias (400 INVALID_PARAMETER_VALUE) and a missing model (404) both mean no version', async () => {
    await withRegistry(
      (r) =>
        r.query.get('name') === 'Missing'
          ? { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'Registered Model with name=Missing not found' } }
          : r.query.get('alias') === 'champion'
            ? { body: { model_version: version(3, { aliases: ['champion'] }) } }
            : { status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: `Registered model alias ${r.query.get('alias')} not found.` } },
      async (store, received) => {
        const found = await store.getModelVersionByAlias('BankChurn', 'champion')
        assert.deepEqual(found, {
          name: 'BankChurn',
          version: '3',
          source: 'mlflow-artifacts:/7/run3/artifacts/model',
          runId: 'run3',
          currentStage: 'None',
          status: 'READY',
          description: undefined,
          aliases: ['champion'],
          tags: { 'github.pr': '42' },
          creationTimestamp: 1700000000000,
        })
        assert.equal(await store.getModelVersionByAlias('BankChurn', 'challenger'), undefined)
        assert.equal(await store.getModelVersionByAlias('Missing', 'champion'), undefined)
        assert.equal(received[0]?.path, `${API}/registered-models/alias`)
        assert.equal(received[0]?.method, 'GET')
      },
    )
  })

  test('other errors are real errors', async () => {
    await withRegistry(
      () => ({ status: 400, body: { error_code: 'INVALID_PARAMETER_VALUE', message: "Invalid alias name: 'a b'." } }),
      async (store) => {
        await assert.rejects(store.getModelVersionByAlias('BankChurn', 'a b'), /INVALID_PARAMETER_VALUE: Invalid alias name/)
      },
    )
    await withRegistry(
      () => ({ status: 403, body: { error_code: 'PERMISSION_DENIED', message: 'no' } }),
      async (store) => {
        await assert.rejects(store.getRegisteredModel('BankChurn'), /PERMISSION_DENIED/)
        await assert.rejects(store.getLatestVersions('BankChurn', ['Production']), /PERMISSION_DENIED/)
      },
    )
  })

  test('getRegisteredModel, getModelVersion and getLatestVersions', async () => {
    await withRegistry(
      (r) => {
        if (r.path.endsWith('/registered-models/get'))
          return r.query.get('name') === 'BankChurn'
            ? { body: { registered_model: { name: 'BankChurn', aliases: [{ alias: 'champion', version: '3' }], tags: [{ key: 'k', value: 'v' }] } } }
            : { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' } }
        if (r.path.endsWith('/model-versions/get'))
          return r.query.get('version') === '3' ? { body: { model_version: version('3') } } : { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'not found' } }
        if (r.path.endsWith('/get-latest-versions'))
          return r.json.name === 'BankChurn' ? { body: { model_versions: [version(5, { current_stage: 'Production' })] } } : { status: 404, body: { error_code: 'RESOURCE_DOES_NOT_EXIST', message: 'x' } }
        return { status: 500 }
      },
      async (store, received) => {
        assert.deepEqual(await store.getRegisteredModel('BankChurn'), { name: 'BankChurn', description: undefined, aliases: { champion: '3' }, tags: { k: 'v' } })
        assert.equal(await store.getRegisteredModel('Nope'), undefined)
        assert.equal((await store.getModelVersion('BankChurn', '3'))?.runId, 'run3')
        assert.equal(await store.getModelVersion('BankChurn', '99'), undefined)
        assert.deepEqual((await store.getLatestVersions('BankChurn', ['Production'])).map((v) => [v.version, v.currentStage]), [['5', 'Production']])
        assert.deepEqual(await store.getLatestVersions('Nope', ['Production']), [])
        const latest = received.find((r) => r.path.endsWith('/get-latest-versions'))
        assert.deepEqual(latest?.json, { name: 'BankChurn', stages: ['Production'] })
      },
    )
  })

  test('searchModelVersions quotes values and follows pages', async () => {
    await withRegistry(
      (r) => (r.query.get('page_token') ? { body: { model_versions: [version(2)] } } : { body: { model_versions: [version(1)], next_page_token: 'n' } }),
      async (store, received) => {
        const versions = await store.searchModelVersions({ name: "O'Brien model", runId: 'abc' })
        assert.deepEqual(versions.map((v) => v.version), ['1', '2'])
        assert.equal(received[0]?.query.get('filter'), `name = "O'Brien model" AND run_id = 'abc'`)
        assert.equal(received[1]?.query.get('page_token'), 'n')
      },
    )
  })

  test('writes send MLflow\'s request bodies', async () => {
    await withRegistry(
      (r) => {
        if (r.path.endsWith('/registered-models/create')) return { body: { registered_model: { name: r.json.name } } }
        if (r.path.endsWith('/model-versions/create') || r.path.endsWith('/transition-stage')) return { body: { model_version: version(4, { current_stage: r.json.stage ?? 'None' }) } }
        return { body: {} }
      },
      async (store, received) => {
        assert.equal((await store.createRegisteredModel('BankChurn', 'Churn model')).name, 'BankChurn')
        const created = await store.createModelVersion({
          name: 'BankChurn',
          source: 'mlflow-artifacts:/7/r/artifacts/model',
          runId: 'r',
          runLink: 'http://x/#/experiments/7/runs/r',
          description: 'table',
          tags: { 'github.pr': '42', 'gate.verdict': 'better' },
        })
        assert.equal(created.version, '4')
        await store.updateModelVersionDescription('BankChurn', '4', 'new')
        await store.setModelVersionTag('BankChurn', '4', 'k', 'v')
        await store.setRegisteredModelAlias('BankChurn', 'champion', '4')
        assert.equal((await store.transitionModelVersionStage('BankChurn', '4', 'Production', true)).currentStage, 'Production')
        assert.deepEqual(received.map((r) => [r.method, r.path.slice(API.length), r.json]), [
          ['POST', '/registered-models/create', { name: 'BankChurn', description: 'Churn model' }],
          [
            'POST',
            '/model-versions/create',
            {
              name: 'BankChurn',
              source: 'mlflow-artifacts:/7/r/artifacts/model',
              run_id: 'r',
              run_link: 'http://x/#/experiments/7/runs/r',
              description: 'table',
              tags: [
                { key: 'github.pr', value: '42' },
                { key: 'gate.verdict', value: 'better' },
              ],
            },
          ],
          ['PATCH', '/model-versions/update', { name: 'BankChurn', version: '4', description: 'new' }],
          ['POST', '/model-versions/set-tag', { name: 'BankChurn', version: '4', key: 'k', value: 'v' }],
          ['POST', '/registered-models/alias', { name: 'BankChurn', alias: 'champion', version: '4' }],
          ['POST', '/model-versions/transition-stage', { name: 'BankChurn', version: '4', stage: 'Production', archive_existing_versions: true }],
        ])
      },
    )
  })
})
