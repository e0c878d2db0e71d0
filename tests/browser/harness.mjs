// What a browser test of talksearch needs around its checks: its options, the index of data/
// plus tests/data/xss-talk, `talksearch-query serve` on 127.0.0.1, headless Chromium with
// every request to another host aborted, a watchdog, one printed line per check, and the
// exit code (1 on a failure, 77 when Chromium or playwright-core is missing).
// Used by talk.test.mjs and widget.test.mjs.
import { spawn, spawnSync } from 'node:child_process';
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

/// The run's options (--index-bin, --query-bin, --source, --out), its checks and its
/// resources. Exits 77 at once when Chromium or playwright-core is missing.
export async function startRun({ watchdogMs }) {
    const source = path.resolve(option('source', path.join(here, '..', '..')));
    const buildDir = path.join(source, 'build');
    const run = {
        here,
        source,
        indexBin: option('index-bin', path.join(buildDir, 'indexer', 'talksearch-index')),
        queryBin: option('query-bin', path.join(buildDir, 'query', 'talksearch-query')),
        outDir: path.resolve(option('out', path.join(buildDir, 'browser-screenshots'))),
        passed: 0,
        failed: 0,
    };
    const skip = (reason) => {
        console.log(`SKIPPED: ${reason}`);
        process.exit(77);
    };
    if (!fs.existsSync(CHROMIUM)) skip(`${CHROMIUM} is not installed (scripts/setup installs chromium)`);
    try {
        ({ chromium: run.chromium } = await import('playwright-core'));
    } catch (e) {
        skip('playwright-core is not installed (npm ci --prefix tests/browser)');
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'talksearch-browser-'));
    let server = null;
    const contexts = [];  // what cleanup() closes: the browser

    run.cleanup = async () => {
        for (const c of contexts.splice(0)) await c.close().catch(() => {});
        if (server && server.exitCode === null && server.signalCode === null) {
            server.kill('SIGTERM');
            const exited = new Promise((resolve) => server.once('exit', resolve));
            const timer = setTimeout(() => server.kill('SIGKILL'), 3000);
            await exited;
            clearTimeout(timer);
        }
        server = null;
        fs.rmSync(tmp, { recursive: true, force: true });
    };
    const watchdog = setTimeout(() => {
        console.log(`FAIL watchdog: the run took over ${watchdogMs / 1000} s`);
        if (server) server.kill('SIGKILL');
        fs.rmSync(tmp, { recursive: true, force: true });
        console.log(`${run.passed} passed, ${run.failed + 1} failed`);
        process.exit(1);
    }, watchdogMs);
    process.on('exit', () => {
        if (server && server.exitCode === null) server.kill('SIGKILL');
    });

    run.check = async (name, fn) => {
        const t0 = Date.now();
        try {
            await fn();
            run.passed++;
            console.log(`ok   ${name} (${Date.now() - t0} ms)`);
        } catch (error) {
            run.failed++;
            const lines = String((error && error.stack) || error).split('\n').slice(0, 4);
            console.log(`FAIL ${name} (${Date.now() - t0} ms)\n     ${lines.join('\n     ')}`);
        }
    };

    // The index of data/ and the hostile talk; `talksearch-query serve --port 0` on it.
    run.serve = () => {
        const index = path.join(tmp, 'index');
        const built = spawnSync(run.indexBin, [
            'build', '--talks', path.join(source, 'data', 'talks'),
            '--talks', path.join(source, 'tests', 'data', 'xss-talk', 'talks'),
            '--captions', path.join(source, 'data', 'captions'),
            '--captions', path.join(source, 'tests', 'data', 'xss-talk', 'captions'),
            '--index', index,
        ], { encoding: 'utf8', timeout: 30_000 });
        if (built.status !== 0) throw new Error(`talksearch-index build exited ${built.status}: ${built.stderr}`);
        return new Promise((resolve, reject) => {
            server = spawn(run.queryBin, ['serve', '--index', index, '--port', '0', '--host', '127.0.0.1'], {
                stdio: ['ignore', 'pipe', 'pipe'],
            });
            let stderr = '';
            server.stderr.on('data', (d) => { stderr += d; });
            const timer = setTimeout(() => reject(new Error(`serve printed no "listening on" line: ${stderr}`)), 10_000);
            server.once('exit', (code) => { clearTimeout(timer); reject(new Error(`serve exited ${code}: ${stderr}`)); });
            readline.createInterface({ input: server.stdout }).once('line', (line) => {
                clearTimeout(timer);
                const m = /^listening on (http:\/\/127\.0\.0\.1:\d+)\s*$/.exec(line);
                if (m) resolve(m[1]);
                else reject(new Error(`unexpected first line from serve: ${line}`));
            });
        });
    };

    // A fresh headless Chromium context that reaches 127.0.0.1 only (one browser for the run).
    let browser = null;
    run.browser = async (options = {}) => {
        if (!browser) {
            browser = await run.chromium.launch({
                executablePath: CHROMIUM,
                headless: true,
                args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
                    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
            });
            contexts.push(browser);
        }
        const context = await browser.newContext({ reducedMotion: 'reduce', ...options });
        context.setDefaultTimeout(10_000);
        await context.route('**/*', (route) => (new URL(route.request().url()).hostname === '127.0.0.1'
            ? route.continue() : route.abort()));
        return context;
    };

    // Prints the totals and exits: 1 when a check failed.
    run.finish = async () => {
        clearTimeout(watchdog);
        await run.cleanup();
        console.log(`screenshots: ${run.outDir}`);
        console.log(`${run.passed} passed, ${run.failed} failed`);
        process.exit(run.failed === 0 ? 0 : 1);
    };
    return run;
}

export function assert(condition, message) {
    if (!condition) throw new Error(message);
}

export function assertEqual(actual, expected, what) {
    if (actual !== expected) throw new Error(`${what}: expected ${JSON.stringify(expected)}, got ${JSON.stringify(actual)}`);
}
