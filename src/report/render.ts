// Renders the comparison as the markdown of the sticky PR comment, the job summary and the
// report file (SPEC section 7), within GitHub's comment limit.
import { renderBlocks, renderToFit } from './document.js'
import { commentMarker } from './marker.js'
import type { ReportContext } from './report-context.js'
import { minimalBlocks, reportBlocks } from './sections.js'

export { commentMarker } from './marker.js'
export type { ReportContext } from './report-context.js'

/** GitHub's limit on a comment body. */
export const GITHUB_COMMENT_LIMIT = 65_536
/** Below this not even the marker, title and verdict are sure to fit. */
export const MIN_MAX_LENGTH = 1_000

// Cut at a code point boundary; what may be cut off is at worst the tail of one escape sequence,
// which leaves plain text behind.
function hardCut(markdown: string, maxLength: number): string {
  if (markdown.length <= maxLength) return markdown
  let cut = markdown.slice(0, maxLength)
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1)
  return cut
}

/**
 * The report as GitHub-flavoured markdown, starting with commentMarker(context.commentKey), at most
 * `maxLength` characters (UTF-16 code units, which are never fewer than GitHub's characters). When too
 * long, param changes are cut first, then informational, within-tolerance, removed, new and improved
 * metric rows, and regressions last; each cut is said where it happened.
 */
export function renderReport(context: ReportContext, options: { maxLength?: number } = {}): string {
  const maxLength = options.maxLength ?? GITHUB_COMMENT_LIMIT
  if (!(maxLength >= MIN_MAX_LENGTH)) throw new RangeError(`maxLength must be at least ${MIN_MAX_LENGTH}, got ${maxLength}`)
  const marker = commentMarker(context.commentKey)
  const fitted = renderToFit(reportBlocks(context, marker), maxLength)
  if (fitted !== undefined) return fitted
  return hardCut(renderBlocks(minimalBlocks(context, marker), new Set()), maxLength)
}
