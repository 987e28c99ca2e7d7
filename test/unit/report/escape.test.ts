import assert from 'node:assert/strict'
import { describe, test } from 'node:test'
import { escapeCell, escapeInline, shorten } from '../../../src/report/escape.js'
import { safeHref } from '../../../src/report/safe-url.js'

const ZWSP = '\u200B'

describe('escapeInline', () => {
  test('plain metric names stay readable', () => {
    assert.equal(escapeInline('test_f1'), 'test_f1')
    assert.equal(escapeInline('biz_saved_revenue_usd'), 'biz_saved_revenue_usd')
    assert.equal(escapeInline('model.n_estimators'), 'model.n_estimators')
    assert.equal(escapeInline('val/loss'), 'val/loss')
  })

  test('table pipes and backslashes', () => {
    assert.equal(escapeCell('a|b'), 'a\\|b')
    assert.equal(escapeCell('ends with \\'), 'ends with \\\\')
    assert.equal(escapeCell('\\|'), '\\\\\\|')
  })

  test('line breaks and control characters become spaces; the text is trimmed', () => {
    assert.equal(escapeInline('a\nb\r\nc\rd\u2028e\u0000f\tg'), 'a b  c d e f g')
    assert.equal(escapeInline('\n  x  \n'), 'x')
  })

  test('mentions, issue links and autolinks get a zero-width space', () => {
    assert.equal(escapeInline('@octocat'), `@${ZWSP}octocat`)
    assert.equal(escapeInline('me@example.com'), `me@${ZWSP}example.com`)
    assert.equal(escapeInline('#12'), `\\#${ZWSP}12`)
    assert.equal(escapeInline('owner/repo#12'), `owner/repo\\#${ZWSP}12`)
    assert.equal(escapeInline('GH-12 gh-3'), `GH${ZWSP}-12 gh${ZWSP}-3`)
    assert.equal(escapeInline('https://x.example'), `https:${ZWSP}//x.example`)
    assert.equal(escapeInline('see www.x.example'), `see www${ZWSP}.x.example`)
  })

  test('HTML and comment markers become entities', () => {
    assert.equal(escapeInline('<script>&'), '&lt;script&gt;&amp;')
    assert.equal(escapeInline('<!-- mlflow-pr-report:x -->'), '&lt;!-- mlflow-pr-report:x --&gt;')
    assert.equal(escapeInline('&lt;'), '&amp;lt;')
  })

  test('links, images, code, emphasis, strikethrough and math', () => {
    assert.equal(escapeInline('[a](javascript:x)'), '\\[a\\](javascript:x)')
    assert.equal(escapeInline('![i](y)'), '!\\[i\\](y)')
    assert.equal(escapeInline('`code`'), '\\`code\\`')
    assert.equal(escapeInline('*a* **b** ~~c~~ $x$'), '\\*a\\* \\*\\*b\\*\\* \\~\\~c\\~\\~ \\$x\\$')
  })

  test('an underscore is escaped unless it sits between two letters or digits', () => {
    assert.equal(escapeInline('_a_'), '\\_a\\_')
    assert.equal(escapeInline('a _b_ c'), 'a \\_b\\_ c')
    assert.equal(escapeInline('a__b'), 'a\\_\\_b')
    assert.equal(escapeInline('a_b'), 'a_b')
  })

  test('what would start a block at the beginning of a line is escaped', () => {
    assert.equal(escapeInline('- item'), '\\- item')
    assert.equal(escapeInline('+ item'), '\\+ item')
    assert.equal(escapeInline('1. item'), '1\\. item')
    assert.equal(escapeInline('12) item'), '12\\) item')
    assert.equal(escapeInline('=== '), '\\===')
    assert.equal(escapeInline('> quote'), '&gt; quote')
    assert.equal(escapeInline('# title'), `\\#${ZWSP} title`)
    assert.equal(escapeInline('a - b'), 'a - b')
  })

  test('bidirectional controls are dropped and lone surrogates replaced', () => {
    assert.equal(escapeInline('ab\u202Ec'), 'abc')
    assert.equal(escapeInline('x\uD800y'), 'x\uFFFDy')
    assert.equal(escapeInline('😀'), '😀')
  })
})

describe('shorten', () => {
  test('cuts at a code point with an ellipsis, only when too long', () => {
    assert.equal(shorten('abcdef', 6), 'abcdef')
    assert.equal(shorten('abcdef', 4), 'abc…')
    assert.equal(shorten('😀😀😀', 2), '😀…')
  })
})

describe('safeHref', () => {
  test('http(s) only', () => {
    assert.equal(safeHref('https://mlflow.example.com/#/experiments/1'), 'https://mlflow.example.com/#/experiments/1')
    assert.equal(safeHref('http://127.0.0.1:5000/'), 'http://127.0.0.1:5000/')
    assert.equal(safeHref('javascript:alert(1)'), undefined)
    assert.equal(safeHref('file:///etc/passwd'), undefined)
    assert.equal(safeHref('data:text/html,x'), undefined)
    assert.equal(safeHref('/relative'), undefined)
    assert.equal(safeHref(undefined), undefined)
  })

  test('credentials are removed', () => {
    assert.equal(safeHref('https://user:secret@mlflow.example.com/x'), 'https://mlflow.example.com/x')
  })

  test('characters that could end the link or a table cell are percent-encoded', () => {
    const href = safeHref('https://x.example/a b/(c)/[d]/e|f/"g"/\'h\'/#/compare?runs=["a"]')
    assert.equal(href, 'https://x.example/a%20b/%28c%29/%5Bd%5D/e%7Cf/%22g%22/%27h%27/#/compare?runs=%5B%22a%22%5D')
    assert.doesNotMatch(href ?? '', /[\s()[\]<>"'|`\\]/)
  })
})
