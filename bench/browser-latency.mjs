// Browser latency of the search page: how long a reader waits from the last key to the results.
//
//   node bench/browser-latency.mjs --query-bin build/query/talksearch-query --index /tmp/front-real \
//       [--queries FILE] [--runs 2] [--debounce MS] [--seed 1] [--json OUT]
//
// Starts `talksearch-query serve` on the index (127.0.0.1, a free port), opens its page in
// headless Chromium, and types each query character by character like a person (80-200 ms
// between keys, seeded). The page's widget fires `talk-search-results` when it has put the
// results in the DOM, with the moment its request started; the script takes the paint as the
// first task after the next animation frame. Per query it records, for the search of the
// complete query:
//   last key -> painted    what the reader waits (the debounce included)
//   last key -> request    the debounce
//   request -> painted     the server, the network and the rendering (split in two: request
//                          -> response parsed, response -> painted)
// and prints p50, p95 and max of each. `--debounce MS` fixes the widget's delay (its
// `debounce` attribute) instead of its default (200 ms, or 40 ms when the query just grew by
// one character). Needs Chromium (/usr/bin/chromium or $TALKSEARCH_CHROMIUM) and playwright-core
// (npm ci --prefix tests/browser). Nothing is reached but 127.0.0.1.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHROMIUM = process.env.TALKSEARCH_CHROMIUM || '/usr/bin/chromium';
function option(name, fallback) {
    const i = process.argv.indexOf(`--${name}`);
    return i > 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}
const queryBin = option('query-bin', path.join(here, '..', 'build', 'query', 'talksearch-query'));
const index = option('index', null);
const runs = Math.max(1, parseInt(option('runs', '2'), 10) || 2);
const debounce = option('debounce', null);
const jsonOut = option('json', null);
let seed = parseInt(option('seed', '1'), 10) || 1;
if (!index) {
    console.error('usage: node bench/browser-latency.mjs --index DIR [--query-bin BIN] [--queries FILE] [--runs N] [--debounce MS] [--json OUT]');
    process.exit(2);
}

// What people search a talk archive for: words, names, phrases, a typo or two.
const DEFAULT_QUERIES = [
    'decorators', 'asyncio', 'context manager', 'type hints', 'generators', 'packaging',
    'pytest fixtures', 'django orm', 'pandas dataframe', 'machine learning', 'unicode',
    'metaclasses', 'descriptors', 'gil', 'numpy', 'web scraping', 'flask', 'testing',
    'data science', 'jupyter', 'docker', 'kubernetes', 'microservices', 'security',
    'performance', 'profiling', 'cython', 'rust', 'concurrency', 'threads', 'logging',
    'documentation', 'sphinx', 'open source', 'community', 'diversity', 'teaching python',
    'raspberry pi', 'micropython', 'graphql', 'rest api', 'postgres', 'sqlalchemy',
    'celery', 'continuous integration', 'refactoring', 'clean code', 'functional programming',
    'dataclasses', 'pattern matching',
];
const queries = option('queries', null)
    ? fs.readFileSync(option('queries'), 'utf8').split('\n').map((l) => l.trim()).filter(Boolean)
    : DEFAULT_QUERIES;

function random() { // mulberry32: the same typing rhythm for the same seed
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

const { chromium } = await import(path.join(here, '..', 'tests', 'browser', 'node_modules', 'playwright-core', 'index.mjs'));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'talksearch-latency-'));
const server = spawn(queryBin, ['serve', '--index', index, '--port', '0', '--host', '127.0.0.1'], { stdio: ['ignore', 'pipe', 'inherit'] });
process.on('exit', () => server.kill('SIGTERM'));
const api = await new Promise((resolve, reject) => {
    server.once('exit', (code) => reject(new Error(`serve exited ${code}`)));
    readline.createInterface({ input: server.stdout }).once('line', (line) => {
        const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(line);
        if (m) resolve(m[1]);
        else reject(new Error(`unexpected first line from serve: ${line}`));
    });
});

const context = await chromium.launchPersistentContext(fs.mkdtempSync(path.join(tmp, 'chromium-')), {
    executablePath: CHROMIUM, headless: true, viewport: { width: 1280, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
        '--disable-component-update', '--disable-sync',
        // Nothing but 127.0.0.1, without Playwright's request interception (a round trip to
        // this process per request, which would be measured as the server's time).
        '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1'],
});
const page = context.pages()[0] || await context.newPage();
await page.goto(`${api}/`);
await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
await page.evaluate((fixed) => {
    const widget = document.querySelector('talk-search');
    if (fixed !== null) widget.setAttribute('debounce', fixed);
    window.__keys = [];
    window.__renders = [];
    document.addEventListener('keydown', () => window.__keys.push(performance.now()), true);
    document.addEventListener('talk-search-results', (event) => {
        const { query, requestStart, responseEnd, renderEnd } = event.detail;
        requestAnimationFrame(() => setTimeout(() => window.__renders.push({ query, requestStart, responseEnd, renderEnd, painted: performance.now() }), 0));
    });
}, debounce);
const input = page.locator('talk-search input[type="search"]');

const loadStart = os.loadavg().map((l) => l.toFixed(2)).join(' ');
const samples = [];
for (let run = 0; run < runs; run++) {
    for (const query of queries) {
        await input.focus();
        await page.keyboard.press('Escape');
        await sleep(250);
        await page.evaluate(() => { window.__keys = []; window.__renders = []; });
        for (const char of query) {
            await page.keyboard.type(char);
            await sleep(80 + random() * 120);
        }
        await page.waitForFunction((q) => window.__renders.some((r) => r.query === q), query, { timeout: 10_000 });
        const { keys, renders } = await page.evaluate(() => ({ keys: window.__keys, renders: window.__renders }));
        const last = keys[keys.length - 1];
        const final = renders.filter((r) => r.query === query).pop();
        if (run > 0 || runs === 1) { // the first pass warms the server's caches and the page's code
            samples.push({
                query, total: final.painted - last, wait: final.requestStart - last, request: final.painted - final.requestStart,
                response: final.responseEnd - final.requestStart, build: final.renderEnd - final.responseEnd,
                paint: final.painted - final.renderEnd,
            });
        }
    }
}
await context.close();
server.kill('SIGTERM');
fs.rmSync(tmp, { recursive: true, force: true });

function quantile(values, q) {
    const sorted = [...values].sort((a, b) => a - b);
    return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))];
}
const rows = [['last key -> painted', 'total'], ['last key -> request (debounce)', 'wait'], ['request -> painted', 'request'],
    ['  request -> response (server, JSON parsed)', 'response'], ['  response -> DOM built (the widget\'s code)', 'build'],
    ['  DOM built -> painted (style, layout, paint)', 'paint']];
console.log(`load average at the start ${loadStart}, at the end ${os.loadavg().map((l) => l.toFixed(2)).join(' ')} (${os.cpus().length} CPUs)`);
console.log(`browser latency, ${samples.length} queries typed (${queries.length} x ${Math.max(1, runs - 1)} timed passes), debounce ${debounce === null ? 'default (200 ms; 40 ms typing on)' : `${debounce} ms`}`);
console.log('| from | p50 ms | p95 ms | max ms |');
console.log('|---|---|---|---|');
const table = {};
for (const [label, key] of rows) {
    const values = samples.map((s) => s[key]);
    table[key] = { p50: quantile(values, 0.5), p95: quantile(values, 0.95), max: Math.max(...values) };
    console.log(`| ${label} | ${table[key].p50.toFixed(0)} | ${table[key].p95.toFixed(0)} | ${table[key].max.toFixed(0)} |`);
}
if (jsonOut) fs.writeFileSync(jsonOut, JSON.stringify({ debounce, table, samples }, null, 2));
process.exit(0);
