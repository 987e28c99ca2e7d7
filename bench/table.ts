// The benchmark's results as one markdown table: medians over repetitions.
import { markdownTable } from 'markdown-table'
import type { BenchCase } from './cases.js'
import type { Sample } from './workload.js'

export interface CaseResult {
  benchCase: BenchCase
  samples: Sample[]
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}

const ms = (n: number) => (n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`)
const mib = (n: number) => `${n.toFixed(0)} MiB`

/** Median of a field that only some samples have; a dash when none has it. */
function medianOf(samples: Sample[], pick: (s: Sample) => number | undefined, format: (n: number) => string): string {
  const values = samples.map(pick).filter((v): v is number => v !== undefined)
  return values.length === 0 ? '—' : format(median(values))
}

// Cells hold plain text; markdown-table escapes nothing, so a pipe would split a cell.
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ')

export function resultsTable(results: CaseResult[]): string {
  const rows = results.map(({ benchCase, samples }) => {
    const walls = samples.map((s) => s.wallMs)
    const medianWall = median(walls)
    // The note of the repetition closest to the median, so its figures go with the row's.
    const typical = [...samples].sort((a, b) => Math.abs(a.wallMs - medianWall) - Math.abs(b.wallMs - medianWall))[0]
    return [
      cell(benchCase.label),
      String(samples.length),
      `${ms(medianWall)} (${ms(Math.min(...walls))}–${ms(Math.max(...walls))})`,
      medianOf(samples, (s) => s.peakRssMiB, mib),
      medianOf(samples, (s) => s.rssBeforeMiB, mib),
      medianOf(samples, (s) => (s.rssBeforeMiB === undefined ? undefined : s.peakRssMiB - s.rssBeforeMiB), (n) => `+${mib(n)}`),
      samples.some((s) => s.heapBeforeMiB !== undefined)
        ? `${medianOf(samples, (s) => s.heapBeforeMiB, mib)} → ${medianOf(samples, (s) => s.heapAfterMiB, mib)}`
        : '—',
      cell(typical?.note ?? ''),
    ]
  })
  return markdownTable(
    [['Case', 'Runs', 'Wall, median (min–max)', 'Peak RSS', 'RSS before', 'Peak − before', 'Heap before → after', 'Result'], ...rows],
    { align: ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'l'] },
  )
}
