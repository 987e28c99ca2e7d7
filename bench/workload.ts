// What one benchmark case does inside its child process, and how the child measures it.

export interface WorkloadContext {
  /** The folder with the generated fixtures (fixtures.ts). */
  fixtureDir: string
  /** The discarding HTTP server (discard-server.ts), for the upload cases. */
  serverUrl?: string
}

/** A workload with its input ready: `run` is what is timed; `check` is not. */
export interface PreparedWorkload {
  run(): Promise<void> | void
  /** Throws when the result is wrong; answers a short note for the table. */
  check(): Promise<string> | string
  cleanup?(): Promise<void> | void
}

export type Workload = (context: WorkloadContext) => Promise<PreparedWorkload>

/** One measurement, printed by the child as JSON on a line starting with SAMPLE_PREFIX. */
export interface Sample {
  wallMs: number
  /** process.resourceUsage().maxRSS: the child's peak RSS over its whole life. */
  peakRssMiB: number
  note: string
  /** RSS once the input is prepared, just before `run` (not known for the CLI). */
  rssBeforeMiB?: number
  /** Heap used after a full GC, before `run` (not known for the CLI). */
  heapBeforeMiB?: number
  /** Heap used after a full GC, after `run`, with its result still referenced (not known for the CLI). */
  heapAfterMiB?: number
}

export const SAMPLE_PREFIX = 'BENCH_SAMPLE '

const MiB = 1024 * 1024
const round = (n: number) => Math.round(n * 10) / 10

function collectGarbage() {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run the child with --expose-gc')
  gc()
  gc()
}

export async function measure(workload: Workload, context: WorkloadContext): Promise<Sample> {
  const prepared = await workload(context)
  try {
    collectGarbage()
    const heapBefore = process.memoryUsage().heapUsed
    const rssBefore = process.memoryUsage().rss
    const start = process.hrtime.bigint()
    await prepared.run()
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6
    // Read before check(), which may allocate on its own (e.g. rendering the untrimmed report).
    const peakRss = process.resourceUsage().maxRSS * 1024
    collectGarbage()
    const heapAfter = process.memoryUsage().heapUsed
    const note = await prepared.check()
    return {
      wallMs: round(wallMs),
      rssBeforeMiB: round(rssBefore / MiB),
      peakRssMiB: round(peakRss / MiB),
      heapBeforeMiB: round(heapBefore / MiB),
      heapAfterMiB: round(heapAfter / MiB),
      note,
    }
  } finally {
    await prepared.cleanup?.()
  }
}
