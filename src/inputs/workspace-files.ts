import { existsSync, lstatSync, readdirSync, realpathSync, statSync } from 'node:fs'
import { isAbsolute, join, posix as posixPath, relative, sep } from 'node:path'
import { globSync } from 'tinyglobby'
import type { WorkspaceFile } from './inputs.js'
import { InputError } from './input-error.js'

// A pull request controls the workspace: a symlink it adds (to /proc/self/environ, ~/.ssh,
// .git/config) must never make us read, upload or echo a file outside it.

const toPosix = (p: string) => p.split(sep).join('/')

const isInside = (root: string, target: string) => {
  const rel = relative(root, target)
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel))
}

// Any .git folder, nested ones too (actions/checkout with `path:` keeps its token in
// <path>/.git/config), in any case (macOS and Windows runners fold it).
const inGitDir = (rel: string) => rel.split('/').some((segment) => segment.toLowerCase() === '.git')

export class Workspace {
  readonly root: string

  constructor(root: string) {
    try {
      this.root = realpathSync(root)
    } catch {
      throw new InputError('GITHUB_WORKSPACE', `the workspace ${root} does not exist`)
    }
  }

  /** Checks a user-given relative path and answers where it really is. */
  private locate(input: string, path: string): { absolute: string; relative: string } {
    const posix = path.replace(/\\/g, '/').trim()
    if (posix === '') throw new InputError(input, 'expected a path relative to the workspace, got an empty one')
    if (isAbsolute(posix) || /^[a-zA-Z]:\//.test(posix)) {
      throw new InputError(input, `expected a path relative to the workspace, got the absolute path "${path}"`)
    }
    if (posix.split('/').includes('..')) {
      throw new InputError(input, `expected a path inside the workspace, got "${path}", which uses ".."`)
    }
    const absolute = join(this.root, posix)
    let real: string
    try {
      real = realpathSync(absolute)
    } catch {
      throw new InputError(input, `"${path}" does not exist in the workspace (${this.root})`)
    }
    if (!isInside(this.root, real)) {
      throw new InputError(input, `"${path}" is a symbolic link that leads out of the workspace; refused`)
    }
    const rel = toPosix(relative(this.root, real))
    // Normalised (no `./`, `//`), as it becomes an artifact path and a prefix of listed files.
    const given = posixPath.normalize(posix).replace(/\/+$/, '')
    if (inGitDir(rel) || inGitDir(given)) {
      throw new InputError(input, `"${path}" is inside .git/, which is never read`)
    }
    return { absolute: real, relative: given }
  }

  /** Whether a path names anything in the workspace (nothing is read). */
  exists(path: string): boolean {
    const posix = path.replace(/\\/g, '/').trim()
    return posix !== '' && !isAbsolute(posix) && !posix.split('/').includes('..') && existsSync(join(this.root, posix))
  }

  file(input: string, path: string): WorkspaceFile {
    const { absolute, relative: rel } = this.locate(input, path)
    const stats = statSync(absolute)
    if (!stats.isFile()) throw new InputError(input, `expected a file, but "${path}" is not a regular file`)
    return { input: path, absolute, relative: rel, size: stats.size }
  }

  /** A file or a directory; a directory is listed recursively, each entry checked like a file. */
  fileOrDirectory(input: string, path: string): { isDirectory: boolean; absolute: string; relative: string; files: WorkspaceFile[] } {
    const located = this.locate(input, path)
    const stats = statSync(located.absolute)
    if (stats.isFile()) return { isDirectory: false, ...located, files: [this.file(input, path)] }
    if (!stats.isDirectory()) throw new InputError(input, `expected a file or a directory, got "${path}"`)
    const files = readdirSync(located.absolute, { recursive: true, encoding: 'utf8' })
      .sort()
      .map((entry) => join(located.relative, entry))
      // Sub-directories are walked by readdir itself; a symlink is checked like any file.
      .filter((entry) => !lstatSync(join(this.root, entry)).isDirectory())
      .map((entry) => this.file(input, toPosix(entry)))
    return { isDirectory: true, ...located, files }
  }

  /** Files matched by glob patterns, relative to the workspace; symlinks are not followed into directories. */
  glob(input: string, patterns: string[]): { files: WorkspaceFile[]; unmatched: string[] } {
    const files = new Map<string, WorkspaceFile>()
    const unmatched: string[] = []
    for (const pattern of patterns) {
      if (isAbsolute(pattern) || pattern.split('/').includes('..')) {
        throw new InputError(input, `expected a glob relative to the workspace, got "${pattern}"`)
      }
      const matches = globSync(pattern, {
        cwd: this.root,
        onlyFiles: true,
        dot: true,
        followSymbolicLinks: false,
        ignore: ['**/.git/**'],
        expandDirectories: false,
      })
        // tinyglobby still walks into a symlinked directory the pattern names itself (`link/*.png`).
        .filter((match) => !inGitDir(match) && !this.throughSymlinkedDirectory(match))
        .sort()
      if (matches.length === 0) unmatched.push(pattern)
      for (const match of matches) {
        if (!files.has(match)) files.set(match, this.file(input, match))
      }
    }
    return { files: [...files.values()], unmatched }
  }

  private throughSymlinkedDirectory(match: string): boolean {
    for (let dir = posixPath.dirname(match); dir !== '.' && dir !== '/'; dir = posixPath.dirname(dir)) {
      if (lstatSync(join(this.root, dir)).isSymbolicLink()) return true
    }
    return false
  }
}
