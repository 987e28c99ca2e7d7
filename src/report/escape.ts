// Makes untrusted text (metric names, params, run and branch names, labels, notices) inert in
// GitHub-flavoured markdown. Backslash escapes and entities are preferred over code spans, so the
// text reads normally; a zero-width space after `@`, `#` and in `GH-1`, `://` and `www.` stops
// GitHub's mention, issue, commit and URL autolinking, which ignores backslash escapes.

const ZERO_WIDTH_SPACE = '\u200B'

/** Characters with an inline meaning anywhere: code, emphasis, strikethrough, links, tables, math. */
const BACKSLASH_ESCAPED = new Set(['\\', '`', '*', '~', '[', ']', '|', '$'])
const ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' }

const LINE_BREAKS_AND_CONTROLS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g
// Bidirectional overrides can make a name display as something else.
const BIDI_CONTROLS = /[\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/g
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g

const isAsciiAlphanumeric = (char: string | undefined): boolean => char !== undefined && /^[A-Za-z0-9]$/.test(char)

/**
 * Shortens text to at most `maxChars` code points, ending with `…` when cut. Done before escaping,
 * so an escape sequence is never cut in half.
 */
export function shorten(text: string, maxChars: number): string {
  const chars = Array.from(text)
  if (chars.length <= maxChars) return text
  return chars.slice(0, Math.max(0, maxChars - 1)).join('') + '…'
}

/** One line of plain text: controls and line breaks become spaces, lone surrogates U+FFFD. */
function normalise(text: string): string {
  return text
    .replace(LONE_SURROGATES, '\uFFFD')
    .replace(BIDI_CONTROLS, '')
    .replace(LINE_BREAKS_AND_CONTROLS, ' ')
    .trim()
}

function breakAutolinks(text: string): string {
  return text
    .replace(/(gh)-(?=\d)/gi, `$1${ZERO_WIDTH_SPACE}-`)
    .replace(/:\/\//g, `:${ZERO_WIDTH_SPACE}//`)
    .replace(/(www)\./gi, `$1${ZERO_WIDTH_SPACE}.`)
}

// An underscore between two letters or digits can neither open nor close emphasis (CommonMark's
// flanking rules), so `test_f1_score` stays readable in the raw markdown.
function escapeUnderscore(chars: string[], index: number): string {
  return isAsciiAlphanumeric(chars[index - 1]) && isAsciiAlphanumeric(chars[index + 1]) ? '_' : '\\_'
}

// Only matters where the text starts a line or a list item: list markers, setext underlines,
// ordered-list numbers.
function escapeBlockStart(text: string): string {
  return text.replace(/^([-+=])/, '\\$1').replace(/^(\d+)([.)])/, '$1\\$2')
}

/**
 * Escapes untrusted text for inline markdown: a heading, a paragraph, a list item, link text or a
 * table cell. The result is one line that cannot break a table, start a block, open emphasis, code,
 * links or images, inject HTML or a comment marker, mention anyone or link an issue.
 */
export function escapeInline(text: string): string {
  const chars = Array.from(breakAutolinks(normalise(text)))
  let out = ''
  chars.forEach((char, index) => {
    if (char === '_') out += escapeUnderscore(chars, index)
    else if (char === '#') out += `\\#${ZERO_WIDTH_SPACE}`
    else if (char === '@') out += `@${ZERO_WIDTH_SPACE}`
    else if (BACKSLASH_ESCAPED.has(char)) out += `\\${char}`
    else out += ENTITIES[char] ?? char
  })
  return escapeBlockStart(out)
}

/** Escapes untrusted text for a table cell (the same guarantees as escapeInline, which escapes `|`). */
export function escapeCell(text: string): string {
  return escapeInline(text)
}
