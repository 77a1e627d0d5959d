#!/usr/bin/env node
// Browser checks for a built surveysite report (issue 8, "quality gates").
//
//   node tests/browser/check.mjs SITE_DIR [--screenshots DIR] [--axe-all] [--max-pages N] [--chromium PATH]
//
// Serves SITE_DIR on 127.0.0.1 with a tiny static server (index.html for folders,
// 404.html with status 404 for anything unknown) and drives the system Chromium
// (Debian's /usr/bin/chromium; never a downloaded browser) through playwright-core:
//
//   every HTML page  console errors, page errors, requests to any host but 127.0.0.1,
//                    failed or >= 400 sub-requests, broken internal links, broken
//                    images, page-wide horizontal overflow and squeezed table columns
//                    at phone width
//   every chart      each <figure> with an <svg>, with and without JavaScript, at both
//                    widths: non-zero svg size, a visible <table> near it, no overlapping
//                    or cut-off chart labels (tiny text is a warning)
//   each page kind   axe-core WCAG 2.x A/AA (light and emulated dark colour scheme;
//                    serious/critical violations fail), screenshots at 1280 px (full
//                    page) and 390 px into target/screenshots/
//
// Exit status: 0 all passed, 1 a check failed, 2 could not run.

import { createServer } from 'node:http';
import { createReadStream, existsSync, mkdirSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

// ---------------------------------------------------------------- arguments
function usage(msg) {
  if (msg) console.error(`check.mjs: ${msg}`);
  console.error('usage: node tests/browser/check.mjs SITE_DIR [--screenshots DIR] [--axe-all] [--max-pages N] [--chromium PATH]');
  process.exit(2);
}
const opts = {
  site: null,
  screenshots: path.join(repoRoot, 'target', 'screenshots'),
  axeAll: false,
  chromium: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  maxPages: Infinity,
};
{
  const argv = process.argv.slice(2);
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--screenshots') opts.screenshots = path.resolve(argv[++i] ?? usage('--screenshots needs a folder'));
    else if (a === '--axe-all') opts.axeAll = true;
    else if (a === '--max-pages') opts.maxPages = Number(argv[++i] ?? usage('--max-pages needs a number'));
    else if (a === '--chromium') opts.chromium = argv[++i] ?? usage('--chromium needs a path');
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else if (opts.site) usage('only one SITE_DIR');
    else opts.site = path.resolve(a);
  }
  if (!opts.site) usage('SITE_DIR missing');
  if (!existsSync(path.join(opts.site, 'index.html'))) usage(`${opts.site} has no index.html: build the site first`);
  if (!existsSync(opts.chromium)) usage(`no Chromium at ${opts.chromium} (apt-get install chromium, or set CHROMIUM_PATH)`);
}

// One page of each kind the site has, found in whatever site is given (the example report or a
// user's own): home, the two indexes, the first region, question and region × question, the
// second region's second question, a free-text region × question page, and the 404 page,
// reached through a URL that does not exist, several folders deep, so its links must work
// from anywhere.
const NOT_FOUND_URL = '/no-such-page/deeper/';
function kindPages(root) {
  const dirs = (rel) => {
    try {
      return readdirSync(path.join(root, rel), { withFileTypes: true })
        .filter((e) => e.isDirectory() && !e.name.startsWith('.') && existsSync(path.join(root, rel, e.name, 'index.html')))
        .map((e) => e.name).sort();
    } catch { return []; }
  };
  const regions = dirs('regions');
  const questions = dirs('questions');
  const kinds = [
    { name: 'home', url: '/' },
    { name: 'regions', url: '/regions/' },
    { name: 'questions', url: '/questions/' },
  ];
  if (regions[0]) kinds.push({ name: 'region', url: `/regions/${regions[0]}/` });
  if (questions[0]) kinds.push({ name: 'question', url: `/questions/${questions[0]}/` });
  const rq = regions[0] ? dirs(`regions/${regions[0]}`) : [];
  if (rq[0]) kinds.push({ name: 'region-question', url: `/regions/${regions[0]}/${rq[0]}/` });
  const rq2 = regions[1] ? dirs(`regions/${regions[1]}`) : [];
  if (rq2[1]) kinds.push({ name: 'region-question-second', url: `/regions/${regions[1]}/${rq2[1]}/` });
  const freeText = rq.find((q) => readFileSync(path.join(root, 'regions', regions[0], q, 'index.html'), 'utf8').includes('>自由記述の回答'));
  if (freeText) kinds.push({ name: 'region-question-free-text', url: `/regions/${regions[0]}/${freeText}/` });
  kinds.push({ name: '404', url: NOT_FOUND_URL, status: 404 });
  return kinds;
}
const KIND_PAGES = kindPages(opts.site);

const AXE_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];
const FAIL_IMPACTS = new Set(['serious', 'critical']);
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
const LAUNCH_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

// ---------------------------------------------------------------- static server
const MIME = {
  '.html': 'text/html; charset=utf-8', '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8', '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json', '.svg': 'image/svg+xml', '.png': 'image/png',
  '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp',
  '.avif': 'image/avif', '.ico': 'image/x-icon', '.woff': 'font/woff', '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8', '.xml': 'application/xml', '.csv': 'text/csv; charset=utf-8',
  '.pdf': 'application/pdf', '.webmanifest': 'application/manifest+json',
};

function resolveFile(root, urlPath) {
  // -> { file, status, redirect } ; never escapes root
  let rel;
  try { rel = decodeURIComponent(urlPath); } catch { return null; }
  if (rel.includes('\0')) return null;
  const abs = path.resolve(root, '.' + path.posix.normalize('/' + rel));
  if (abs !== root && !abs.startsWith(root + path.sep)) return null;
  let st;
  try { st = statSync(abs); } catch { return null; }
  if (st.isDirectory()) {
    if (!urlPath.endsWith('/')) return { redirect: urlPath + '/' }; // as GitHub Pages does
    const index = path.join(abs, 'index.html');
    return existsSync(index) ? { file: index } : null;
  }
  return st.isFile() ? { file: abs } : null;
}

function startServer(root) {
  const server = createServer((req, res) => {
    const url = new URL(req.url, 'http://127.0.0.1');
    let hit = resolveFile(root, url.pathname);
    let status = 200;
    if (hit?.redirect) {
      res.writeHead(301, { Location: hit.redirect + url.search });
      res.end();
      return;
    }
    if (!hit) {
      status = 404;
      const nf = path.join(root, '404.html');
      hit = existsSync(nf) ? { file: nf } : null;
    }
    if (!hit) {
      res.writeHead(404, { 'Content-Type': 'text/plain; charset=utf-8' });
      res.end('404 not found\n');
      return;
    }
    const type = MIME[path.extname(hit.file).toLowerCase()] || 'application/octet-stream';
    res.writeHead(status, { 'Content-Type': type, 'Cache-Control': 'no-store' });
    if (req.method === 'HEAD') { res.end(); return; }
    createReadStream(hit.file).on('error', () => res.destroy()).pipe(res);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve(server));
  });
}

function listPages(root) {
  const urls = [];
  const walk = (dir) => {
    for (const ent of readdirSync(dir, { withFileTypes: true })) {
      if (ent.name.startsWith('.')) continue;
      const p = path.join(dir, ent.name);
      if (ent.isDirectory()) walk(p);
      else if (ent.isFile() && ent.name.endsWith('.html')) {
        const rel = '/' + path.relative(root, p).split(path.sep).join('/');
        if (rel === '/404.html') continue; // visited through NOT_FOUND_URL
        urls.push(rel.endsWith('/index.html') ? rel.slice(0, -'index.html'.length) : rel);
      }
    }
  };
  walk(root);
  return urls.sort();
}

// ---------------------------------------------------------------- findings
// The same finding seen at several widths or visits is kept once, with a count.
const failures = []; // { check, page, detail, times }
const warnings = [];
const record = (list) => (check, page, detail) => {
  const same = list.find((f) => f.check === check && f.page === page && f.detail === detail);
  if (same) same.times++;
  else list.push({ check, page, detail, times: 1 });
};
const fail = record(failures);
const warn = record(warnings);

// ---------------------------------------------------------------- browser helpers
const { chromium } = require('playwright-core');
const axeSource = require('axe-core').source;

// ECharts animates a chart's first drawing for about a second. The checks look at the
// final drawing, so in the browser contexts with JavaScript every ECharts chart gets
// animation: false (nothing else changes). If this patch ever stops matching how
// ECharts is loaded, waitForCharts() still waits the animation out, only slower.
const NO_CHART_ANIMATION = `(() => {
  let ec;
  try {
    Object.defineProperty(window, 'echarts', {
      configurable: true, enumerable: true,
      get() { return ec; },
      set(v) {
        ec = v;
        try {
          let init;
          Object.defineProperty(v, 'init', {
            configurable: true, enumerable: true,
            get() { return init; },
            set(fn) {
              init = typeof fn !== 'function' ? fn : function (...args) {
                const chart = fn.apply(this, args);
                try {
                  const setOption = chart.setOption;
                  chart.setOption = function (option, ...rest) {
                    if (option && typeof option === 'object') option.animation = false;
                    return setOption.call(this, option, ...rest);
                  };
                } catch (e) {}
                return chart;
              };
            },
          });
        } catch (e) {}
      },
    });
  } catch (e) {}
})();`;

// One tab per browser context, reused for every visit (a new tab costs a renderer
// process, ~0.2 s); each visit starts with empty event lists.
async function openTab(context, base) {
  await context.addInitScript({ content: NO_CHART_ANIMATION });
  const page = await context.newPage();
  const tab = { page, base, url: null, expectStatus: 200, events: null };
  page.on('console', (msg) => {
    if (msg.type() !== 'error' || !tab.events) return;
    const loc = msg.location();
    // The 404 page's own "404 Not Found" is what it is there for.
    if (tab.expectStatus === 404 && loc?.url === base + tab.url && /status of 404/.test(msg.text())) return;
    // Resources that failed to load are reported (with their URL) by the network check.
    if (msg.text().startsWith('Failed to load resource')) return;
    tab.events.console.push(`${msg.text()}${loc?.url ? ` (${loc.url}:${loc.lineNumber})` : ''}`);
  });
  page.on('pageerror', (err) => tab.events?.pageErrors.push(String(err?.stack || err)));
  page.on('request', (req) => {
    const u = req.url();
    if (/^(data|blob|about):/.test(u) || !tab.events) return;
    let host;
    try { host = new URL(u).hostname; } catch { host = ''; }
    if (host !== '127.0.0.1') tab.events.external.push(`${req.method()} ${u} (${req.resourceType()})`);
  });
  page.on('requestfailed', (req) => {
    const u = req.url();
    if (!tab.events || /^(data|blob|about):/.test(u) || new URL(u).hostname !== '127.0.0.1') return; // external: reported (and aborted) above
    tab.events.failed.push(`${u}: ${req.failure()?.errorText}`);
  });
  page.on('response', (resp) => {
    if (!tab.events) return;
    if (resp.request().isNavigationRequest() && resp.request().frame() === page.mainFrame()) return;
    if (resp.status() >= 400) tab.events.badStatus.push(`${resp.status()} ${resp.url()}`);
  });
  // Nothing may leave the machine: abort (after recording) anything not on 127.0.0.1.
  await page.route((u) => u.hostname !== '127.0.0.1' && !['data:', 'blob:', 'about:'].includes(u.protocol),
    (route) => route.abort('blockedbyclient'));
  return tab;
}

// Loads url in the tab, recording everything that goes wrong while it loads.
async function visit(tab, url, { expectStatus = 200 } = {}) {
  Object.assign(tab, { url, expectStatus, events: { console: [], pageErrors: [], external: [], failed: [], badStatus: [] } });
  const { page } = tab;
  let resp = null;
  try {
    resp = await page.goto(tab.base + url, { waitUntil: 'load', timeout: 30_000 });
    await page.evaluate(() => document.fonts?.ready.then(() => true));
  } catch (e) {
    fail('load', url, `could not load: ${e.message.split('\n')[0]}`);
  }
  if (resp && resp.status() !== expectStatus) fail('load', url, `HTTP ${resp.status()}, expected ${expectStatus}`);
  return { page, label: url, events: tab.events };
}

function reportEvents({ label, events }) {
  for (const m of events.console) fail('console', label, m);
  for (const m of events.pageErrors) fail('pageerror', label, m);
  for (const m of events.external) fail('network', label, `request to another host: ${m}`);
  for (const m of events.failed) fail('network', label, `request failed: ${m}`);
  for (const m of events.badStatus) fail('network', label, `sub-request answered ${m}`);
}

// Links, images and overflow: things visible from the DOM without more requests.
async function domChecks(page, label, { phone }) {
  const info = await page.evaluate(() => {
    // (an SVG <a>'s .href is an SVGAnimatedString: resolve its attribute instead)
    const links = [...document.querySelectorAll('a[href]')].map((a) => ({ href: new URL(a.getAttribute('href'), document.baseURI).href, raw: a.getAttribute('href') }));
    const ids = new Set([...document.querySelectorAll('[id]')].map((e) => e.id));
    const brokenImgs = [...document.images].filter((i) => i.complete && i.naturalWidth === 0).map((i) => i.currentSrc || i.src);
    const de = document.documentElement;
    const wide = de.scrollWidth > de.clientWidth + 1
      ? [...document.querySelectorAll('body *')].filter((e) => {
          const r = e.getBoundingClientRect();
          return r.right > de.clientWidth + 1 && r.width > 0 && !e.closest('.table-scroll, .visually-hidden, .skip-link')
            && getComputedStyle(e).position !== 'fixed';
        }).slice(0, 5).map((e) => `${e.tagName.toLowerCase()}${e.id ? '#' + e.id : ''}${e.className && typeof e.className === 'string' ? '.' + e.className.trim().split(/\s+/).join('.') : ''} (right edge ${Math.round(e.getBoundingClientRect().right)}px)`)
      : [];
    // Table cells squeezed to a character or two per line (Japanese text breaks anywhere,
    // so a too-narrow column turns into a vertical strip instead of overflowing).
    const squeezed = [];
    document.querySelectorAll('table').forEach((table, ti) => {
      const cells = [...table.querySelectorAll('th, td')].filter((c) => {
        const text = c.innerText.trim();
        if (text.length < 4) return false;
        const cs = getComputedStyle(c);
        const fs = parseFloat(cs.fontSize) || 16;
        const lh = parseFloat(cs.lineHeight) || fs * 1.5;
        const r = c.getBoundingClientRect();
        const inner = r.width - parseFloat(cs.paddingLeft) - parseFloat(cs.paddingRight);
        return inner < 2.5 * fs && r.height > 3.5 * lh;
      });
      if (cells.length) {
        const cap = table.caption?.innerText.trim().slice(0, 40) || `table #${ti + 1}`;
        const c = cells[0];
        squeezed.push(`「${cap}」: ${cells.length} cell(s) squeezed to ${Math.round(c.getBoundingClientRect().width)}px wide, e.g. 「${c.innerText.trim().replace(/\s+/g, '').slice(0, 20)}」 (${c.tagName.toLowerCase()} in column ${c.cellIndex + 1})`);
      }
    });
    return { links, ids: [...ids], brokenImgs, scrollWidth: de.scrollWidth, clientWidth: de.clientWidth, wide, squeezed };
  });
  for (const src of info.brokenImgs) fail('image', label, `image did not load: ${src}`);
  if (phone && info.scrollWidth > info.clientWidth + 1) {
    fail('layout', label, `phone (${PHONE.width}px): page scrolls sideways, ${info.scrollWidth}px wide; widest: ${info.wide.join(', ') || '?'}`);
  }
  for (const m of info.squeezed) fail('layout', label, `${phone ? `phone (${PHONE.width}px)` : `desktop (${DESKTOP.width}px)`}: table column too narrow to read: ${m}`);
  const ids = new Set(info.ids);
  const targets = [];
  const pageUrl = new URL(page.url());
  for (const { href, raw } of info.links) {
    const u = new URL(href);
    if (u.hostname !== '127.0.0.1') continue; // external links are not fetched
    if (u.pathname === pageUrl.pathname) {
      if (u.hash && !ids.has(decodeURIComponent(u.hash.slice(1)))) fail('link', label, `in-page link ${raw} points at no id`);
      continue;
    }
    targets.push(u.origin + u.pathname + u.search);
  }
  return targets;
}

async function runAxe(page, label, scheme) {
  await page.addScriptTag({ content: axeSource });
  const result = await page.evaluate(async (tags) => {
    // eslint-disable-next-line no-undef
    const r = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations', 'incomplete'] });
    const slim = (list) => list.map((v) => ({
      id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
      nodes: v.nodes.map((n) => ({ target: n.target.join(' '), html: n.html.slice(0, 160), summary: n.failureSummary })),
    }));
    return { violations: slim(r.violations), incomplete: slim(r.incomplete) };
  }, AXE_TAGS);
  for (const v of result.violations) {
    const nodes = v.nodes.map((n) => `      ${n.target}\n        ${n.html}`).join('\n');
    const msg = `[${scheme}] ${v.id} (${v.impact}): ${v.help} — ${v.nodes.length} node(s)\n${nodes}`;
    if (FAIL_IMPACTS.has(v.impact)) fail('axe', label, msg);
    else warn('axe', label, msg);
  }
  return { violations: result.violations.length, incomplete: result.incomplete };
}

// Waits until the charts stop changing (ECharts animates its first render), at most 5 s.
async function waitForCharts(page) {
  await page.evaluate(async () => {
    const figs = [...document.querySelectorAll('figure')].filter((f) => f.querySelector('svg, [data-chart]'));
    if (!figs.length) return;
    const snap = () => figs.map((f) => f.innerHTML).join('\u0000');
    let last = snap();
    let same = 0;
    const t0 = performance.now();
    while (same < 2 && performance.now() - t0 < 5000) {
      await new Promise((r) => setTimeout(r, 150));
      const cur = snap();
      same = cur === last ? same + 1 : 0;
      last = cur;
    }
  });
}

// Charts: every <figure> with an <svg> needs a visible, non-empty svg and a visible
// data table near it (inside the figure, right after it, or in the same section).
// The chart's own text must be readable: no two labels on top of each other, none
// cut off at the svg's edge, none scaled below MIN_CHART_TEXT_PX font size (a warning).
const MIN_CHART_TEXT_PX = 8;
async function chartChecks(page, label, width, mode) {
  const charts = await page.evaluate(() => {
    const visible = (el) => {
      if (!el) return false;
      const r = el.getBoundingClientRect();
      return r.width > 0 && r.height > 0 && (el.checkVisibility ? el.checkVisibility({ visibilityProperty: true, opacityProperty: true }) : true);
    };
    const describe = (el) => el.id ? `figure#${el.id}` : `figure:nth-of-type(${[...el.parentElement.children].filter((c) => c.tagName === 'FIGURE').indexOf(el) + 1}) in ${el.parentElement.tagName.toLowerCase()}${el.parentElement.id ? '#' + el.parentElement.id : ''}`;
    const area = (a) => Math.max(0, a.right - a.left) * Math.max(0, a.bottom - a.top);
    const inter = (a, b) => area({ left: Math.max(a.left, b.left), right: Math.min(a.right, b.right), top: Math.max(a.top, b.top), bottom: Math.min(a.bottom, b.bottom) });
    return [...document.querySelectorAll('figure')].filter((f) => f.querySelector('svg')).map((fig) => {
      // The chart the reader sees: the interactive one when JavaScript drew it (the build-time
      // SVG then stays hidden, for print), else the build-time SVG.
      const svg = [...fig.querySelectorAll('svg')].find(visible) || fig.querySelector('svg');
      const r = svg.getBoundingClientRect();
      // What the reader sees of the svg: clipped by any overflow-hidden ancestor in the figure.
      let clip = { left: r.left, right: r.right, top: r.top, bottom: r.bottom };
      for (let el = svg.parentElement; el && el !== fig.parentElement; el = el.parentElement) {
        const style = getComputedStyle(el);
        if (style.overflow !== 'visible') {
          const b = el.getBoundingClientRect();
          // A box that scrolls sideways (a wide chart on a phone) shows all of its width to a
          // reader who scrolls: only what lies beyond its scroll extent is cut off.
          const scrolls = style.overflowX === 'auto' || style.overflowX === 'scroll';
          const left = scrolls ? b.left - el.scrollLeft : b.left;
          const right = scrolls ? left + el.scrollWidth : b.right;
          clip = { left: Math.max(clip.left, left), right: Math.min(clip.right, right), top: Math.max(clip.top, b.top), bottom: Math.min(clip.bottom, b.bottom) };
        }
      }
      // user units -> CSS px: a viewBox scaled to the svg's rendered width
      const vb = svg.viewBox?.baseVal;
      const scale = vb && vb.width ? r.width / vb.width : 1;
      const texts = [...svg.querySelectorAll('text')]
        .filter((t) => t.textContent.trim() && visible(t) && getComputedStyle(t).opacity !== '0')
        .map((t) => {
          // The glyph box: a text's client rect includes the font's line gap (about 1.4 em
          // for CJK fonts), so the lines of one wrapped label touch; trim it to about 1 em.
          const b = t.getBoundingClientRect();
          const dy = b.height * 0.15;
          return { s: t.textContent.trim(), px: parseFloat(getComputedStyle(t).fontSize) * scale, b: { left: b.left + 1, right: b.right - 1, top: b.top + dy, bottom: b.bottom - dy, height: b.height } };
        });
      const overlaps = [];
      for (let i = 0; i < texts.length; i++) {
        for (let j = i + 1; j < texts.length; j++) {
          const a = texts[i].b;
          const b = texts[j].b;
          const ox = Math.min(a.right, b.right) - Math.max(a.left, b.left);
          const oy = Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top);
          if (ox > 2 && oy > 2 && inter(a, b) > 0.05 * Math.min(area(a), area(b))) overlaps.push(`「${texts[i].s.slice(0, 24)}」 × 「${texts[j].s.slice(0, 24)}」`);
        }
      }
      const cut = texts.filter(({ b }) => b.left < clip.left - 2 || b.right > clip.right + 2 || b.top < clip.top - 2 || b.bottom > clip.bottom + 2)
        .map(({ s }) => `「${s.slice(0, 24)}」`);
      const sizes = texts.map(({ px }) => px).filter((h) => h > 0);
      let table = fig.querySelector('table');
      for (let sib = fig.nextElementSibling, i = 0; !table && sib && i < 3; sib = sib.nextElementSibling, i++) {
        table = sib.tagName === 'TABLE' ? sib : sib.querySelector('table');
      }
      if (!table) table = fig.parentElement?.closest('section, article')?.querySelector('table') || null;
      const caption = fig.querySelector('figcaption')?.textContent.trim().slice(0, 40) || '';
      const named = svg.closest('[role="img"][aria-label]')?.getAttribute('aria-label')
        || svg.getAttribute('aria-label') || svg.querySelector('title')?.textContent || fig.querySelector('figcaption')?.textContent || '';
      return {
        where: describe(fig), caption,
        svgW: Math.round(r.width), svgH: Math.round(r.height), svgVisible: visible(svg),
        svgRight: Math.round(r.right), viewport: document.documentElement.clientWidth,
        hasTable: !!table, tableVisible: visible(table), named: !!named.trim(),
        nTexts: texts.length, overlaps, cut,
        minText: sizes.length ? Math.min(...sizes) : null,
      };
    });
  });
  for (const c of charts) {
    const what = `[${mode}] ${c.where}${c.caption ? ` 「${c.caption}」` : ''} at ${width}px`;
    if (!(c.svgW > 0 && c.svgH > 0)) fail('chart', label, `${what}: svg is ${c.svgW}×${c.svgH}`);
    else if (!c.svgVisible) fail('chart', label, `${what}: svg is not visible`);
    if (!c.hasTable) fail('chart', label, `${what}: no data table near the chart`);
    else if (!c.tableVisible) fail('chart', label, `${what}: the data table near the chart is not visible`);
    if (c.overlaps.length) fail('chart', label, `${what}: ${c.overlaps.length} pair(s) of chart labels overlap, e.g. ${c.overlaps.slice(0, 3).join(', ')}`);
    if (c.cut.length) fail('chart', label, `${what}: ${c.cut.length} chart label(s) cut off at the chart's edge, e.g. ${c.cut.slice(0, 3).join(', ')}`);
    if (c.minText !== null && c.minText < MIN_CHART_TEXT_PX) warn('chart', label, `${what}: chart text is scaled down to ${c.minText.toFixed(1)}px (svg drawn at ${c.svgW}×${c.svgH})`);
    if (c.svgRight > c.viewport + 1) warn('chart', label, `${what}: svg sticks out of the viewport (right edge ${c.svgRight}px > ${c.viewport}px)`);
    if (!c.named) warn('chart', label, `${what}: chart has no accessible name (figcaption, aria-label or <title>)`);
  }
  return charts.length;
}

// ---------------------------------------------------------------- main
async function main() {
  const t0 = Date.now();
  const server = await startServer(opts.site);
  const base = `http://127.0.0.1:${server.address().port}`;
  const allPages = listPages(opts.site);
  const kindUrls = new Set(KIND_PAGES.map((k) => k.url));
  mkdirSync(opts.screenshots, { recursive: true });

  console.log(`site:        ${opts.site} (${allPages.length} HTML pages + 404), served at ${base}`);
  console.log(`chromium:    ${opts.chromium}`);
  console.log(`screenshots: ${path.relative(process.cwd(), opts.screenshots) || '.'}`);

  const browser = await chromium.launch({ executablePath: opts.chromium, headless: true, args: LAUNCH_ARGS, timeout: 60_000 });
  console.log(`browser:     Chromium ${browser.version()}, playwright-core ${require('playwright-core/package.json').version}, axe-core ${require('axe-core/package.json').version}\n`);

  const ctxOpts = { locale: 'ja-JP', timezoneId: 'Asia/Tokyo', reducedMotion: 'reduce', serviceWorkers: 'block' };
  const desktop = await openTab(await browser.newContext({ ...ctxOpts, viewport: DESKTOP, colorScheme: 'light' }), base);
  const dark = await openTab(await browser.newContext({ ...ctxOpts, viewport: DESKTOP, colorScheme: 'dark' }), base);
  const phone = await openTab(await browser.newContext({ ...ctxOpts, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, colorScheme: 'light' }), base);
  const nojsDesktop = await openTab(await browser.newContext({ ...ctxOpts, viewport: DESKTOP, javaScriptEnabled: false }), base);
  const nojsPhone = await openTab(await browser.newContext({ ...ctxOpts, viewport: PHONE, deviceScaleFactor: 2, isMobile: true, hasTouch: true, javaScriptEnabled: false }), base);

  const linked = new Map(); // internal link target -> pages linking to it
  const stats = { pages: 0, chartPages: 0, axeRuns: 0, axeViolations: 0, charts: 0, screenshots: 0, incomplete: new Map() };
  const noteIncomplete = (inc) => { for (const v of inc) stats.incomplete.set(v.id, (stats.incomplete.get(v.id) || 0) + v.nodes.length); };

  // Every page: loaded at desktop and phone width, charts checked wherever there are any;
  // the kinds also get axe (light and dark) and screenshots.
  // With --max-pages N (a site of thousands of pages), the kinds and N others spread evenly
  // over the site; the links of every page are checked statically by `surveysite check`.
  let others = allPages.filter((u) => !kindUrls.has(u));
  if (others.length > opts.maxPages) {
    const step = others.length / opts.maxPages;
    others = Array.from({ length: opts.maxPages }, (_, i) => others[Math.floor(i * step)]);
    console.log(`pages:       the ${KIND_PAGES.length} kinds and ${others.length} of the other ${allPages.length - KIND_PAGES.length + 1} pages (--max-pages)`);
  }
  const everyPage = [...KIND_PAGES, ...others.map((url) => ({ url }))];
  for (const kind of KIND_PAGES) if (kind.url !== NOT_FOUND_URL && !allPages.includes(kind.url)) fail('load', kind.url, 'page of this kind is missing from the site');
  const axe = async (v, scheme) => {
    const a = await runAxe(v.page, v.label, scheme);
    stats.axeRuns++; stats.axeViolations += a.violations; noteIncomplete(a.incomplete);
  };
  const shoot = async (v, file, fullPage = true) => {
    await v.page.screenshot({ path: path.join(opts.screenshots, file), fullPage, animations: 'disabled', scale: 'css' });
    stats.screenshots++;
  };
  const hasCharts = (page) => page.evaluate(() => !!document.querySelector('figure svg, [data-chart]'));

  for (const entry of everyPage) {
    const isKind = kindUrls.has(entry.url);
    const runAxeHere = isKind || opts.axeAll;
    const expectStatus = entry.status ?? 200;
    stats.pages++;
    const tPage = Date.now();

    // desktop, light
    let v = await visit(desktop, entry.url, { expectStatus });
    const charts = await hasCharts(v.page);
    if (charts) { stats.chartPages++; await waitForCharts(v.page); }
    for (const href of await domChecks(v.page, v.label, { phone: false })) linked.set(href, [...(linked.get(href) || []), entry.url]);
    if (runAxeHere) await axe(v, 'light');
    if (charts) stats.charts += await chartChecks(v.page, v.label, DESKTOP.width, 'js');
    if (isKind) await shoot(v, `${entry.name}-desktop.png`);
    reportEvents(v);

    // desktop, dark colour scheme emulated: axe (contrast may change) and a viewport screenshot
    if (runAxeHere) {
      v = await visit(dark, entry.url, { expectStatus });
      if (charts) await waitForCharts(v.page);
      await axe(v, 'dark');
      if (isKind) await shoot(v, `${entry.name}-desktop-dark.png`, false);
      reportEvents(v);
    }

    // phone
    v = await visit(phone, entry.url, { expectStatus });
    if (charts) await waitForCharts(v.page);
    await domChecks(v.page, v.label, { phone: true });
    if (charts) stats.charts += await chartChecks(v.page, v.label, PHONE.width, 'js');
    if (isKind) await shoot(v, `${entry.name}-phone.png`);
    reportEvents(v);

    // JavaScript off: the build-time SVG charts are what the reader gets.
    if (charts) {
      for (const [tab, w] of [[nojsDesktop, DESKTOP.width], [nojsPhone, PHONE.width]]) {
        v = await visit(tab, entry.url, { expectStatus });
        stats.charts += await chartChecks(v.page, v.label, w, 'no-js');
        reportEvents(v);
      }
    }
    const did = [runAxeHere && 'axe', charts && 'charts', isKind && 'screenshots'].filter(Boolean).join(', ');
    console.log(`${isKind ? '*' : ' '} ${entry.url}${isKind ? `  [${entry.name}]` : ''}${did ? `  (${did})` : ''}  ${Date.now() - tPage} ms`);
  }

  // Internal links found on any page must lead somewhere (status < 400).
  let linkCount = 0;
  for (const [href, from] of [...linked].sort()) {
    const u = new URL(href);
    linkCount++;
    const r = await fetch(href, { redirect: 'follow' }).catch((e) => ({ status: `error ${e.message}` }));
    if (!(r.status < 400)) fail('link', u.pathname + u.search, `link target answers ${r.status}; linked from ${[...new Set(from)].join(', ')}`);
  }

  await browser.close();
  server.close();

  // ---------------------------------------------------------------- summary
  const secs = ((Date.now() - t0) / 1000).toFixed(1);
  const group = (list) => {
    const by = new Map();
    for (const f of list) {
      const k = `${f.check}`;
      if (!by.has(k)) by.set(k, []);
      by.get(k).push(f);
    }
    return by;
  };
  const print = (title, list) => {
    if (!list.length) return;
    console.log(`\n${title}`);
    for (const [check, items] of group(list)) {
      console.log(`  ${check} (${items.length})`);
      for (const f of items) console.log(`    ${f.page}: ${f.detail.split('\n').join('\n    ')}${f.times > 1 ? `  (seen ${f.times}×)` : ''}`);
    }
  };
  print('WARNINGS (do not fail the check)', warnings);
  print('FAILURES', failures);

  console.log('\n==== browser checks summary ====');
  console.log(`pages loaded:        ${stats.pages} (each at ${DESKTOP.width}px and ${PHONE.width}px)`);
  console.log(`internal links:      ${linkCount} distinct targets fetched`);
  console.log(`axe runs:            ${stats.axeRuns} (tags ${AXE_TAGS.join(', ')}; light + dark), ${stats.axeViolations} violation group(s)`);
  if (stats.incomplete.size) {
    console.log(`axe needs review:    ${[...stats.incomplete].map(([id, n]) => `${id} ×${n}`).join(', ')} (not failures)`);
  }
  console.log(`charts (figure+svg): ${stats.charts ? `${stats.charts} chart checks on ${stats.chartPages} page(s) (each chart with and without JavaScript, at ${DESKTOP.width}px and ${PHONE.width}px)` : 'no charts on any page yet'}`);
  console.log(`screenshots:         ${stats.screenshots} in ${path.relative(process.cwd(), opts.screenshots) || '.'}`);
  const counts = [...group(failures)].map(([c, l]) => `${c} ${l.length}`).join(', ');
  console.log(`warnings:            ${warnings.length}`);
  console.log(`failures:            ${failures.length}${counts ? ` (${counts})` : ''}`);
  console.log(`time:                ${secs}s`);
  console.log(failures.length ? 'RESULT: FAIL' : 'RESULT: PASS');
  return failures.length ? 1 : 0;
}

main().then((code) => process.exit(code), (err) => {
  console.error(`check.mjs: ${err?.stack || err}`);
  process.exit(2);
});
