// Link targets for the report: only http(s), no credentials, and percent-encoded so that nothing
// in them can end the markdown link or a table cell.

const UNSAFE_IN_LINK = /[()[\]<>`"'|\\{}^\s]/g

const percentEncode = (char: string): string =>
  Array.from(new TextEncoder().encode(char), (byte) => '%' + byte.toString(16).toUpperCase().padStart(2, '0')).join('')

/** The URL ready for `[text](…)`, or undefined when it is not an absolute http(s) URL. */
export function safeHref(raw: string | undefined): string | undefined {
  if (raw === undefined) return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    return undefined
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return undefined
  url.username = ''
  url.password = ''
  return url.href.replace(UNSAFE_IN_LINK, percentEncode)
}
