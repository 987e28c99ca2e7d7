import { isAbsolute, resolve } from 'node:path'

// MLflow's local path ↔ `file:` URI conversions (mlflow/utils/file_utils.py), so the URIs we write
// are byte-for-byte the ones MLflow writes for the same folder.

/**
 * `pathlib.Path(abspath).as_uri()`: `file://` + the path with every byte outside
 * `A-Za-z0-9_.-~/` percent-encoded (Python's `urllib.parse.quote`).
 */
export function pathToFileUri(absolutePath: string): string {
  let encoded = ''
  for (const byte of Buffer.from(absolutePath, 'utf8')) {
    const char = String.fromCharCode(byte)
    encoded += /[A-Za-z0-9_.\-~/]/.test(char) ? char : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`
  }
  return `file://${encoded}`
}

/**
 * `local_file_uri_to_path`: the path part of a `file:` URI, percent-decoded; anything else is a
 * path already. A relative result (`file:./mlruns`) is relative to `cwd`.
 */
export function fileUriToPath(uri: string, cwd: string): string {
  let path = uri
  if (uri.startsWith('file:')) {
    const rest = uri.slice('file:'.length)
    // `file://host/path`: the host is not part of a POSIX path (urlparse drops the netloc).
    path = rest.startsWith('//') ? rest.slice(2).replace(/^[^/]*/, '') : rest
    path = path.replace(/[?#].*$/, '')
    path = percentDecode(path)
  }
  return isAbsolute(path) ? resolve(path) : resolve(cwd, path)
}

/** `append_to_uri_path`: `<uri>/<a>/<b>`, before any query string. */
export function appendToUri(uri: string, ...segments: string[]): string {
  const queryAt = uri.search(/[?#]/)
  const base = queryAt === -1 ? uri : uri.slice(0, queryAt)
  const suffix = queryAt === -1 ? '' : uri.slice(queryAt)
  return `${base.replace(/\/+$/, '')}/${segments.join('/')}${suffix}`
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text)
  } catch {
    return text // Python's unquote leaves a malformed escape as it is
  }
}
