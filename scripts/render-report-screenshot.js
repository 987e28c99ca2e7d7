// Renders the example report (the seed's bank churn model: F1 +0.04, saved revenue +$11,040,
// n_estimators 100 → 200) the way GitHub shows a PR comment, and screenshots it to
// docs/report-example.png.
//
// Usage (from the repository root; needs headless Chromium, e.g. `apt-get install -y chromium`):
//   node --import tsx scripts/render-report-screenshot.js [output.png]
// CHROMIUM=/path/to/chrome picks another browser binary. Not part of the test suite.
import { execFile } from 'node:child_process'
import { mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath, pathToFileURL } from 'node:url'
import { promisify } from 'node:util'
import { marked } from 'marked'
import { renderReport } from '../src/report/render.js'
import { bankChurnContext } from '../test/fixtures/report/bank-churn.js'

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..')
const output = resolve(process.argv[2] ?? join(root, 'docs', 'report-example.png'))
const chromium = process.env.CHROMIUM ?? 'chromium'

// Enough of GitHub's comment styling (Primer, light theme) to judge the report's look.
const css = `
  body { margin: 0; padding: 24px; background: #f6f8fa; color: #1f2328;
    font: 14px/1.5 -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica, Arial, sans-serif; }
  .comment { max-width: 920px; margin: 0 auto; background: #fff; border: 1px solid #d1d9e0; border-radius: 6px; }
  .comment-header { padding: 8px 16px; background: #f6f8fa; border-bottom: 1px solid #d1d9e0;
    border-radius: 6px 6px 0 0; color: #59636e; }
  .comment-header strong { color: #1f2328; }
  .bot { border: 1px solid #d1d9e0; border-radius: 2em; padding: 0 6px; font-size: 12px; margin-left: 4px; }
  .markdown-body { padding: 16px; }
  .markdown-body > :first-child { margin-top: 0; }
  h2 { font-size: 1.5em; font-weight: 600; padding-bottom: .3em; border-bottom: 1px solid #d1d9e0; margin: 24px 0 16px; }
  h3 { font-size: 1.25em; font-weight: 600; margin: 24px 0 16px; }
  p, blockquote, ul, table { margin: 0 0 16px; }
  a { color: #0969da; text-decoration: none; }
  strong { font-weight: 600; }
  code { font: 85% ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; padding: .2em .4em;
    background: rgba(129, 139, 152, .12); border-radius: 6px; }
  blockquote { padding: 0 1em; color: #59636e; border-left: .25em solid #d1d9e0; }
  ul { padding-left: 2em; }
  table { border-spacing: 0; border-collapse: collapse; display: block; width: max-content; max-width: 100%; overflow: auto;
    font-variant-numeric: tabular-nums; }
  th, td { padding: 6px 13px; border: 1px solid #d1d9e0; }
  th { font-weight: 600; }
  tr { background: #fff; border-top: 1px solid #d1d9e0; }
  tr:nth-child(2n) { background: #f6f8fa; }
`

const markdown = renderReport(bankChurnContext())
const html = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>mlflow-pr-report example</title><style>${css}</style></head>
<body><div class="comment">
<div class="comment-header"><strong>github-actions</strong><span class="bot">bot</span> commented</div>
<div class="markdown-body">${marked.parse(markdown, { gfm: true, async: false })}</div>
</div></body></html>`

const work = await mkdtemp(join(tmpdir(), 'report-screenshot-'))
try {
  const page = join(work, 'report.html')
  await writeFile(page, html)
  await promisify(execFile)(
    chromium,
    [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--hide-scrollbars',
      `--user-data-dir=${join(work, 'profile')}`,
      `--screenshot=${output}`,
      '--window-size=1000,1400',
      pathToFileURL(page).href,
    ],
    { timeout: 120_000 },
  )
  console.log(`wrote ${output}`)
} finally {
  await rm(work, { recursive: true, force: true })
}
