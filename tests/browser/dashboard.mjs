// Run by tests/browser/dashboard_test.sh:
//   node dashboard.mjs URL CHROMIUM NODE_MODULES READ_TOKEN CASE_TOKEN
// Exits 1 naming every page and check that failed.
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const [base, chromium, modules, readToken, caseToken] = process.argv.slice(2);
const tokens = { read: readToken, case: caseToken };
const require = createRequire(path.resolve(modules, 'x.js'));
const puppeteer = require('puppeteer-core');
const axeSource = fs.readFileSync(path.join(modules, 'axe-core', 'axe.min.js'), 'utf8');

// Each page, with how many charts and tables it must show at least, and the token it is
// read with (`read` unless said). `children`: whether the children behind the figure must
// be listed (a `case` principal) or must leave no trace (`read`).
const children = '/indicator?la=301&indicator=cpp_ceased_2y_plus_pct';
const pages = [
  { path: '/', charts: 0, tables: 0 },
  { path: '/la?la=301', charts: 40, tables: 1 },
  { path: '/la?la=301&area=looked_after', charts: 5, tables: 1 },
  { path: '/indicator?la=301&indicator=cpp_rate', charts: 1, tables: 2 },
  { path: '/indicator?la=301&indicator=lac_month_end', charts: 1, tables: 1 },
  { path: '/compare?la=301&las=301,302&indicators=cpp_rate,referrals', charts: 2, tables: 2 },
  { path: '/quality?la=301', charts: 0, tables: 3 },
  { path: '/reports?la=301', charts: 0, tables: 1 },
  { path: '/forecast?la=301', charts: 1, tables: 3 },
  { path: children, charts: 1, tables: 2, token: 'read', children: false },
  { path: children, charts: 1, tables: 5, token: 'case', children: true },
  // The 12 months ending December 2015, opened from the page's rolling choice.
  { path: `${children}&month=2015-12&rolling=true`, charts: 1, tables: 5, token: 'case', children: 'rolling' },
];

const failures = [];
const fail = (page, what) => failures.push(`${page}: ${what}`);

const args = ['--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'];
if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');   // Chromium refuses root otherwise
const browser = await puppeteer.launch({ executablePath: chromium, headless: true, args });
try {
  for (const spec of pages) {
    const page = await browser.newPage();
    // axe is injected as a script: the pages' own policy allows only their own scripts.
    await page.setBypassCSP(true);
    await page.setViewport({ width: 1280, height: 900 });
    const token = spec.token || 'read';
    await page.setExtraHTTPHeaders({ Authorization: `Bearer ${tokens[token]}` });
    const label = `${spec.path} (${token})`;
    const problems = [];
    page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
    page.on('pageerror', (e) => problems.push(`script error: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => { if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`); });
    page.on('request', (r) => {
      if (!r.url().startsWith(base) && !r.url().startsWith('data:')) problems.push(`external request: ${r.url()}`);
    });
    const response = await page.goto(base.replace(/\/$/, '') + spec.path, { waitUntil: 'networkidle0' });
    if (response.status() !== 200) fail(label, `HTTP ${response.status()}`);
    for (const p of problems) fail(label, p);

    // Charts and tables, each chart with a text alternative, each table with header cells.
    const shape = await page.evaluate(() => {
      const svgs = [...document.querySelectorAll('svg')];
      const unnamed = svgs.filter((s) => s.getAttribute('role') !== 'img' ||
        !(s.getAttribute('aria-label') || s.getAttribute('aria-labelledby') || s.querySelector('title'))).length;
      const tables = [...document.querySelectorAll('table')];
      const headless = tables.filter((t) => !t.querySelector('th[scope]') || !t.querySelector('caption')).length;
      return { charts: svgs.length, unnamed, tables: tables.length, headless };
    });
    if (shape.charts < spec.charts) fail(label, `${shape.charts} charts, expected at least ${spec.charts}`);
    if (shape.tables < spec.tables) fail(label, `${shape.tables} tables, expected at least ${spec.tables}`);
    if (shape.unnamed) fail(label, `${shape.unnamed} charts without a text alternative`);
    if (shape.headless) fail(label, `${shape.headless} tables without a caption or th scope`);

    // Keyboard only: Tab from the top reaches every control, the skip link first.
    const controls = await page.evaluate(() => {
      const all = [...document.querySelectorAll('a[href], button, input:not([type=hidden]), select, textarea, [tabindex]')]
        .filter((e) => e.tabIndex >= 0 && !e.disabled && e.getClientRects().length > 0 || e.classList.contains('skip'));
      all.forEach((e, i) => e.setAttribute('data-kb', String(i)));
      return all.length;
    });
    const reached = new Set();
    let first = null;
    for (let i = 0; i < controls + 5; ++i) {
      await page.keyboard.press('Tab');
      const k = await page.evaluate(() => document.activeElement?.getAttribute('data-kb'));
      if (first === null) first = await page.evaluate(() => document.activeElement?.className);
      if (k !== null && k !== undefined) reached.add(k);
    }
    if (first !== 'skip') fail(label, `the first Tab stop is "${first}", not the skip link`);
    if (reached.size < controls) fail(label, `Tab reached ${reached.size} of ${controls} controls`);

    // axe-core: no WCAG 2.0, 2.1 or 2.2 A/AA violation.
    await page.addScriptTag({ content: axeSource });
    const result = await page.evaluate(async () => {
      // eslint-disable-next-line no-undef
      const r = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } });
      return {
        passes: r.passes.length,
        violations: r.violations.map((v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`),
      };
    });
    if (result.passes < 10) fail(label, `axe checked only ${result.passes} rules: did it run?`);
    for (const v of result.violations) fail(label, `axe: ${v}`);

    // The script's enhancement works: a chart's figures hide and show again.
    if (spec.path.startsWith('/indicator')) {
      const toggled = await page.evaluate(() => {
        const b = document.querySelector('button.toggle');
        if (!b) return 'no button';
        const region = document.getElementById(b.getAttribute('aria-controls'));
        b.click();
        const hidden = region.hidden && b.getAttribute('aria-expanded') === 'false';
        b.click();
        return hidden && !region.hidden ? 'ok' : 'did not toggle';
      });
      if (toggled !== 'ok') fail(label, `show/hide figures: ${toggled}`);
    }

    // The compare page's CSV download is the API's CSV of each LA and indicator.
    if (spec.path.startsWith('/compare')) {
      const same = await page.evaluate(async () => {
        const link = document.querySelector('a[download]');
        if (!link) return 'no download link';
        const download = await (await fetch(link.href)).text();
        let api = '';
        for (const ind of ['cpp_rate', 'referrals']) {
          for (const la of ['301', '302']) {
            const r = await fetch(`/api/v1/series?la=${la}&indicator=${ind}&comparators=false`, { headers: { Accept: 'text/csv' } });
            if (r.status === 404) continue;   // no data loaded for the LA
            const text = await r.text();
            api += api ? text.slice(text.indexOf('\r\n') + 2) : text;
          }
        }
        return download === api ? 'ok' : `differs: ${download.length} vs ${api.length} bytes`;
      });
      if (same !== 'ok') fail(label, `CSV download: ${same}`);
    }
    // The children behind the figure: a `case` principal sees both lists, as long as the
    // figure's numerator and denominator (the API's series); a `read` one sees no list, no
    // link to one, and the API refuses it.
    if (spec.children !== undefined) {
      const seen = await page.evaluate(async (listed) => {
        const rows = (id) => document.querySelectorAll(`#${id} tbody tr`).length;
        const trace = document.querySelector('#children-numerator, #children-period, a[href*="/api/v1/children"]');
        const q = new URLSearchParams(location.search);
        const api = await fetch(`/api/v1/children?la=301&indicator=${q.get('indicator')}&period=2015-16`);
        if (!listed) return trace ? 'a read principal sees the children' : api.status === 403 ? 'ok' : `API answered ${api.status}`;
        if (!trace) return 'no list for a case principal';
        const rolling = listed === 'rolling';
        const period = document.querySelector(rolling ? '#children-rolling' : '#children-period').value;
        const series = await (await fetch(`/api/v1/series?la=301&indicator=${q.get('indicator')}&comparators=false${rolling ? '&rolling=true' : ''}`)).json();
        const point = rolling
          ? series.points.find((p) => !p.breakdown && p.period.kind === 'ROLLING_12_MONTHS' &&
            `${p.period.start_year}-${String(p.period.month).padStart(2, '0')}` === period)
          : series.points.find((p) => !p.breakdown && `${p.period.start_year}-${String((p.period.start_year + 1) % 100).padStart(2, '0')}` === period &&
            p.period.kind === 'FINANCIAL_YEAR');
        if (!point) return `no figure for ${period}`;
        const n = rows('children-numerator'), d = rows('children-denominator');
        if (n !== point.numerator || d !== point.denominator) {
          return `lists of ${n} and ${d}, figure ${point.numerator} / ${point.denominator}`;
        }
        return n > 0 && api.status === 200 ? 'ok' : `empty list or API ${api.status}`;
      }, spec.children);
      if (seen !== 'ok') fail(label, `children: ${seen}`);
    }
    await page.close();
    console.log(`checked ${label}: ${shape.charts} charts, ${shape.tables} tables, ${controls} controls`);
  }
} finally {
  await browser.close();
}
if (failures.length) {
  console.error(failures.join('\n'));
  process.exit(1);
}
console.log('every page passed');
