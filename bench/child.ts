// One repetition of one case, in its own process so that runs cannot pollute each other's memory:
// node --expose-gc --import tsx bench/child.ts <case-id> <fixture-dir> [server-url]
import { CASES } from './cases.js'
import { measure, SAMPLE_PREFIX } from './workload.js'

const [id, fixtureDir, serverUrl] = process.argv.slice(2)
const benchCase = CASES.find((c) => c.id === id)
if (!benchCase || benchCase.kind !== 'workload' || !fixtureDir) {
  throw new Error(`usage: child.ts <workload case id> <fixture dir> [server url]; got ${process.argv.slice(2).join(' ')}`)
}
const sample = await measure(await benchCase.load(), { fixtureDir, serverUrl })
process.stdout.write(`${SAMPLE_PREFIX}${JSON.stringify(sample)}\n`)
