// The hidden marker that finds the sticky comment of one `comment-key` again.
import { createHash } from 'node:crypto'

const MARKER_PREFIX = '<!-- mlflow-pr-report:'
const MARKER_SUFFIX = ' -->'
const MAX_ENCODED_KEY = 200

const KEPT = /^[A-Za-z0-9._-]$/

// Every other character is percent-encoded (UTF-8; a lone surrogate as %uXXXX), so the key can never
// hold `>` to close the comment, and two keys never encode alike. `%` itself is encoded.
function encodeKey(key: string): string {
  let encoded = ''
  for (const char of key) {
    if (KEPT.test(char)) encoded += char
    else if (/^[\uD800-\uDFFF]$/.test(char)) encoded += '%u' + char.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')
    else for (const byte of new TextEncoder().encode(char)) encoded += '%' + byte.toString(16).toUpperCase().padStart(2, '0')
  }
  // `#` and `:` never occur in an encoded key, so a hashed one cannot collide with a short one.
  if (encoded.length > MAX_ENCODED_KEY) return '#sha256:' + createHash('sha256').update(encoded).digest('hex')
  return encoded
}

/** `<!-- mlflow-pr-report:<encoded key> -->`; at most 290 characters whatever the key. */
export function commentMarker(commentKey: string): string {
  return MARKER_PREFIX + encodeKey(commentKey) + MARKER_SUFFIX
}
