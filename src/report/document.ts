// The report as blocks of markdown, some of them tables whose rows can be cut to fit a length.
import { markdownTable } from 'markdown-table'

export interface TableRow {
  /** Escaped cells. */
  cells: string[]
  /** 0 is the most important; rows with the highest rank are cut first. */
  rank: number
}

export interface TableBlock {
  kind: 'table'
  /** Markdown above the table, e.g. its heading. */
  before: string
  header: string[]
  align: Array<'l' | 'r' | 'c'>
  rows: TableRow[]
  /** Markdown below the table, kept even when every row is cut. */
  after?: string
  /** What a row is, for the cut note: 'metrics', 'param changes'. */
  noun: string
}

export type Block = string | TableBlock

function renderTable(table: TableBlock, kept: ReadonlySet<TableRow>): string {
  const rows = table.rows.filter((row) => kept.has(row))
  const cut = table.rows.length - rows.length
  const parts = [table.before]
  if (rows.length > 0) {
    // Unaligned delimiters: padding every row to the longest cell could double the comment's size.
    parts.push(markdownTable([table.header, ...rows.map((row) => row.cells)], { align: table.align, alignDelimiters: false }))
  }
  if (cut > 0) {
    const what = rows.length === 0 ? `All ${table.rows.length} ${table.noun}` : `… ${cut} of ${table.rows.length} ${table.noun}`
    parts.push(`_${what} cut to fit GitHub's comment limit._`)
  }
  if (table.after) parts.push(table.after)
  return parts.join('\n\n')
}

/** Joins the blocks with blank lines, showing only the table rows in `kept`. */
export function renderBlocks(blocks: readonly Block[], kept: ReadonlySet<TableRow>): string {
  return (
    blocks
      .map((block) => (typeof block === 'string' ? block : renderTable(block, kept)))
      .filter((text) => text !== '')
      .join('\n\n') + '\n'
  )
}

/**
 * The blocks with as many table rows as fit in `maxLength`, cutting the highest ranks first (and,
 * within a rank, the last rows first); undefined when not even the blocks without rows fit.
 */
export function renderToFit(blocks: readonly Block[], maxLength: number): string | undefined {
  const tables = blocks.filter((block): block is TableBlock => typeof block !== 'string')
  const byImportance = tables
    .flatMap((table) => table.rows)
    .map((row, order) => ({ row, order }))
    .sort((a, b) => a.row.rank - b.row.rank || a.order - b.order)
    .map(({ row }) => row)
  const render = (count: number): string => renderBlocks(blocks, new Set(byImportance.slice(0, count)))

  const full = render(byImportance.length)
  if (full.length <= maxLength) return full
  if (render(0).length > maxLength) return undefined
  // The length grows with the rows kept (a cut note shrinks by a digit or two while a row adds a
  // whole line), so a binary search finds the largest count that fits.
  let fits = 0
  let tooLong = byImportance.length
  while (tooLong - fits > 1) {
    const middle = Math.floor((fits + tooLong) / 2)
    if (render(middle).length <= maxLength) fits = middle
    else tooLong = middle
  }
  return render(fits)
}
