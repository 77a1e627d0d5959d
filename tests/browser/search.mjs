#!/usr/bin/env node
// The site's search in Chromium (issue 17): types queries into the header's search box and checks
// what a reader sees.
//
//   node tests/browser/search.mjs SITE_DIR [--expect 'QUERY=/path/' ...] [--screenshots DIR] [--chromium PATH]
//   (an expectation 'QUERY=~REGEX' accepts any result whose path matches REGEX)
//
// Serves SITE_DIR under a sub-path (/repo/, as on GitHub Pages) on 127.0.0.1 and, for each
// query, from a deep page: types it into the box, waits for the results, and checks that the
// expected page is among the first results shown, that each result has a title, a link that
// opens (200) and an excerpt with the match marked. Without --expect, the example report's
// queries are used (region name, free-text words, katakana compounds). Also: the box is hidden
// without JavaScript; no request leaves 127.0.0.1 or fails; no console or page error; axe-core
// (WCAG 2.x A/AA, serious/critical fail) with the box and with results shown; a screenshot of
// the results of each query into target/screenshots/search-N.png.
//
// Exit status: 0 all passed, 1 a check failed, 2 could not run.

import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

const EXAMPLE = [
  ['区西南部', '/regions/ku-seinanbu/'], // a region name
  ['画像', '/regions/ku-seinanbu/q8/'], // words inside free-text answers
  ['マイナポータル', '/regions/ku-seinanbu/q7/'],
  ['電子カルテ', '/regions/ku-seinanbu/q5/'],
  ['ケアミックス', '/regions/ku-seinanbu/q1/'], // katakana compounds (option labels)
  ['サブアキュート', '/regions/tokyo/q1/'],
];
const PREFIX = '/repo/';
const START = 'regions/'; // the page the reader searches from (a folder deep)

function usage(msg) {
  if (msg) console.error(`search.mjs: ${msg}`);
  console.error("usage: node tests/browser/search.mjs SITE_DIR [--expect 'QUERY=/path/' ...] [--screenshots DIR] [--chromium PATH]");
  process.exit(2);
}
const opts = {
  site: null,
  expect: [],
  screenshots: path.join(repoRoot, 'target', 'screenshots'),
  chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--expect') {
      const v = argv[++i] ?? usage('--expect needs QUERY=/path/');
      const eq = v.lastIndexOf('=');
      if (eq < 1) usage(`--expect ${v}: expected QUERY=/path/`);
      opts.expect.push([v.slice(0, eq), v.slice(eq + 1)]);
    } else if (a === '--screenshots') opts.screenshots = path.resolve(argv[++i] ?? usage('--screenshots needs a folder'));
    else if (a === '--chromium') opts.chromium = argv[++i] ?? usage('--chromium needs a path');
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site) usage('only one SITE_DIR');
    else opts.site = path.resolve(a);
  }
  if (!opts.site) usage('SITE_DIR missing');
  if (!existsSync(path.join(opts.site, 'pagefind', 'pagefind.js'))) usage(`${opts.site} has no pagefind/pagefind.js: build the site first`);
  if (!existsSync(opts.chromium)) usage(`no Chromium at ${opts.chromium}`);
  if (opts.expect.length === 0) opts.expect = EXAMPLE;
}

// ---------------------------------------------------------------- static server under PREFIX
const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.json': 'application/json',
  '.svg': 'image/svg+xml', '.csv': 'text/csv; charset=utf-8', '.png': 'image/png',
};
function serve(root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let rel = decodeURIComponent(url.pathname);
    if (!rel.startsWith(PREFIX)) { res.writeHead(404); res.end(); return; }
    rel = rel.slice(PREFIX.length);
    let file = path.join(root, rel);
    if (!file.startsWith(root)) { res.writeHead(403); res.end(); return; }
    if (existsSync(file) && statSync(file).isDirectory()) file = path.join(file, 'index.html');
    if (!existsSync(file)) { res.writeHead(404); res.end(); return; }
    res.writeHead(200, { 'Content-Type': MIME[path.extname(file)] || 'application/octet-stream', 'Cache-Control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

// ---------------------------------------------------------------- checks
const failures = [];
const fail = (what, detail) => { failures.push(`${what}: ${detail}`); console.log(`  FAIL ${what}: ${detail}`); };

const { chromium } = require('playwright-core');
const axeSource = require('axe-core').source;
const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

async function axe(page, label) {
  await page.addScriptTag({ content: axeSource });
  const violations = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags } });
    return r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => n.target.join(' ')) }));
  }, AXE_TAGS);
  for (const v of violations) {
    const msg = `${v.id} (${v.impact}): ${v.help} — ${v.nodes.join(', ')}`;
    if (v.impact === 'serious' || v.impact === 'critical') fail(`axe ${label}`, msg);
    else console.log(`  warn axe ${label}: ${msg}`);
  }
}

async function main() {
  const server = await serve(opts.site);
  const origin = `http://127.0.0.1:${server.address().port}`;
  const base = origin + PREFIX;
  const browser = await chromium.launch({
    executablePath: opts.chromium, headless: true, timeout: 60_000,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  console.log(`search checks on ${opts.site} (served under ${PREFIX}), Chromium ${browser.version()}`);
  mkdirSync(opts.screenshots, { recursive: true });
  try {
    // Without JavaScript the box is not shown (it could do nothing).
    {
      const ctx = await browser.newContext({ javaScriptEnabled: false });
      const page = await ctx.newPage();
      await page.goto(base + START);
      if (await page.locator('#search-input').isVisible()) fail('no JavaScript', 'the search box is visible');
      await ctx.close();
    }
    const ctx = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'ja-JP' });
    const page = await ctx.newPage();
    page.on('console', (m) => { if (m.type() === 'error' || m.type() === 'warning') fail('console', `${m.type()}: ${m.text()}`); });
    page.on('pageerror', (e) => fail('page error', String(e)));
    page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) fail('request', `left the site: ${r.url()}`); });
    page.on('response', (r) => { if (r.status() >= 400) fail('request', `${r.status()} ${r.url()}`); });
    await page.goto(base + START);
    const input = page.locator('#search-input');
    if (!(await input.isVisible())) fail('box', 'the search box is not visible with JavaScript');
    await axe(page, 'search box');
    let n = 0;
    for (const [query, expected] of opts.expect) {
      n++;
      await input.fill('');
      await input.pressSequentially(query, { delay: 20 });
      const status = page.locator('.search-status');
      try {
        await page.waitForFunction((q) => {
          const s = document.querySelector('.search-status');
          return s && s.textContent.includes(`「${q}」`) && (document.querySelector('.search-list li .search-excerpt') || s.textContent.includes('ありません'));
        }, query, { timeout: 20_000 });
      } catch {
        fail(query, `no results shown within 20 s (status: ${JSON.stringify(await status.textContent())})`);
        continue;
      }
      await page.waitForTimeout(300); // the rest of the first results' data
      const shown = await page.$$eval('.search-list li', (lis) => lis.map((li) => ({
        href: li.querySelector('a')?.href ?? '',
        title: li.querySelector('a')?.textContent ?? '',
        where: li.querySelector('.search-where')?.textContent ?? '',
        marks: [...li.querySelectorAll('.search-excerpt mark')].map((m) => m.textContent),
        excerpt: li.querySelector('.search-excerpt')?.textContent ?? '',
      })));
      const statusText = await status.textContent();
      const paths = shown.map((r) => new URL(r.href).pathname);
      // '/path/': that page; '~REGEX': any page whose path (after the sub-path) matches (for a
      // word on hundreds of pages, where which of them comes first is the ranking's business).
      const matches = expected.startsWith('~')
        ? (p) => p.startsWith(PREFIX) && new RegExp(expected.slice(1)).test('/' + p.slice(PREFIX.length))
        : (p) => p === PREFIX + expected.replace(/^\//, '');
      const hit = shown.find((r) => matches(new URL(r.href).pathname));
      console.log(`${query}: ${statusText}; first: ${paths.slice(0, 5).join(' ')}`);
      if (!hit) fail(query, `${expected} is not among the ${shown.length} results shown: ${paths.join(' ')}`);
      else {
        console.log(`  ${expected}: "${hit.title}" [${hit.where}] …${hit.excerpt.slice(0, 80)}…`);
        if (!hit.title.trim()) fail(query, `${expected} has no title`);
        if (hit.marks.length === 0) fail(query, `${expected}: the excerpt marks no match: ${hit.excerpt.slice(0, 120)}`);
      }
      for (const r of shown) {
        if (!r.href.startsWith(base)) fail(query, `result link outside the site's sub-path: ${r.href}`);
        // An excerpt holding the query whole marks that, not its words one by one (区 of 目黒区).
        const strays = r.marks.filter((m) => m !== query);
        if (r.excerpt.includes(query) && strays.length) fail(query, `${r.href}: marks ${JSON.stringify(strays)} beside the whole query: ${r.excerpt.slice(0, 120)}`);
      }
      await page.screenshot({ path: path.join(opts.screenshots, `search-${n}.png`) });
      if (n === 1) {
        await axe(page, 'results shown');
        // The first result opens.
        const first = page.locator('.search-list li a').first();
        const href = await first.getAttribute('href');
        const [resp] = await Promise.all([page.waitForNavigation(), first.click()]);
        if (!resp || resp.status() !== 200) fail(query, `the first result ${href} did not open`);
        await page.goto(base + START);
      }
    }
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`\n${opts.expect.length} queries: ${failures.length ? `${failures.length} failure(s)` : 'all found'}; screenshots in ${opts.screenshots}`);
  process.exit(failures.length ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
