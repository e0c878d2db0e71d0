// Browser test of the talk page (/talk/<id>, issue 21) in real headless Chromium: it works with
// JavaScript off, ?t= brings its paragraph into view, a time plays the player from there
// without leaving the page, hostile metadata and captions stay text, and axe-core finds no
// serious or critical accessibility problem. Screenshots at 1280 and 390 px go to --out.
//
//   node talk.test.mjs --index-bin BIN --query-bin BIN --source DIR --out DIR
//
// Prints one line per check and `N passed, N failed` last; exits 1 on a failure, 77 (skipped)
// when Chromium or playwright-core is not installed. Everything listens on 127.0.0.1; requests
// to any other host (the players) are aborted; a watchdog ends the run after 60 s.
import fs from 'node:fs';
import path from 'node:path';

import { assert, assertEqual, startRun } from './harness.mjs';

const run = await startRun({ watchdogMs: 60_000 });
const ID = 'lakeshore-pyconf-2017/decorators-from-the-ground-up';
const XSS = 'xss-conf-2024/sanitizer-payloads';

// Whether the element's box lies within the viewport.
const inViewport = (locator) => locator.evaluate((el) => {
    const box = el.getBoundingClientRect();
    return box.top >= 0 && box.bottom <= window.innerHeight;
});

async function main() {
    const api = await run.serve();
    fs.mkdirSync(run.outDir, { recursive: true });

    const noScript = await run.browser({ javaScriptEnabled: false, viewport: { width: 1280, height: 900 } });
    await run.check('with JavaScript off the page shows the talk, its transcript and a time link per paragraph', async () => {
        const page = await noScript.newPage();
        await page.goto(`${api}/talk/${ID}?t=104#t-104`);
        assertEqual(await page.locator('h1').textContent(), 'Decorators from the Ground Up', 'h1');
        const paragraphs = page.locator('.talk-para');
        assert(await paragraphs.count() >= 4, 'paragraphs');
        assert(await paragraphs.first().isVisible(), 'the transcript is visible');
        const hrefs = await page.locator('.talk-para > a.talk-time').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
        assertEqual(hrefs.length, await paragraphs.count(), 'a time link per paragraph');
        for (const href of hrefs) assert(new RegExp(`^/talk/${ID}\\?t=(\\d+)#t-\\1$`).test(href), `permalink: ${href}`);
        // The anchor lands on the paragraph holding 1:44 and the player starts there.
        const current = page.locator('#t-104');
        assert(await current.evaluate((el) => el.classList.contains('talk-current')), '#t-104 is the current paragraph');
        assert(await inViewport(current), 'the paragraph of ?t= is in view');
        const src = await page.locator('#player iframe').getAttribute('src');
        assertEqual(src, 'https://www.youtube-nocookie.com/embed/dCr8Gr0unD1?start=104', 'player start');
        await page.screenshot({ path: path.join(run.outDir, 'talk-page-no-js-1280.png'), fullPage: true });
    });

    const context = await run.browser({ viewport: { width: 1280, height: 900 }, bypassCSP: false });
    const page = await context.newPage();
    const dialogs = [];
    const errors = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => { if (/Content[- ]Security[- ]Policy/i.test(m.text())) errors.push(m.text()); });

    await run.check('with JavaScript on, ?t= without its anchor scrolls the paragraph into view', async () => {
        await page.goto(`${api}/talk/${ID}?t=204&q=decorator`);
        const current = page.locator('.talk-current');
        await current.waitFor();
        await page.waitForFunction(() => {
            const box = document.querySelector('.talk-current').getBoundingClientRect();
            return box.top >= 0 && box.bottom <= window.innerHeight;
        });
        assert(await page.evaluate(() => window.scrollY > 0), 'the page scrolled');
        assert(await page.locator('.talk-para mark').count() >= 3, 'the query words are marked');
        await page.screenshot({ path: path.join(run.outDir, 'talk-page-1280.png') });
    });

    await run.check('a time link plays the player from its second without reloading the page', async () => {
        await page.evaluate(() => { window.__stayed = true; });
        const link = page.locator('.talk-para a.talk-time').nth(1);
        const second = await link.getAttribute('data-t');
        await link.click();
        await page.waitForFunction((s) => document.querySelector('#player iframe').src.includes(`start=${s}&autoplay=1`), second);
        assert(await page.evaluate(() => window.__stayed === true), 'the page was not reloaded');
        const url = new URL(page.url());
        assertEqual(url.searchParams.get('t'), second, '?t= in the address');
        assertEqual(url.hash, `#t-${second}`, 'the anchor in the address');
        assertEqual(url.searchParams.get('q'), 'decorator', 'the query is kept');
        assertEqual(await page.locator('.talk-current').count(), 1, 'one current paragraph');
        assertEqual(await page.locator('.talk-current').getAttribute('data-start'), second, 'the clicked paragraph is current');
        assert(await inViewport(page.locator('#player')), 'the player is in view');
    });

    await run.check('the hostile talk\'s payloads show as text and create no element', async () => {
        await page.goto(`${api}/talk/${XSS}?q=sanitizer`);
        const h1 = await page.locator('h1').textContent();
        assert(h1.includes('<img src=x onerror=alert(1)>'), `the title as text: ${h1}`);
        const made = await page.evaluate(() => document.querySelectorAll('img, svg, main script, iframe:not(#player iframe)').length);
        assertEqual(made, 0, 'elements made from payloads');
        const transcript = await page.locator('.talk-transcript').textContent();
        assert(transcript.includes('<img src=x onerror=alert(3)>'), 'caption payload as text');
        assertEqual(dialogs.length, 0, 'dialogs');
    });

    await run.check('the page has no script error and no Content-Security-Policy violation', async () => {
        assertEqual(errors.join('\n'), '', 'errors');
    });

    // axe-core is injected as a script, which the page's CSP (no inline script) would refuse.
    const axeContext = await run.browser({ viewport: { width: 390, height: 844 }, bypassCSP: true, isMobile: true });
    const axePage = await axeContext.newPage();
    const axeSource = path.join(run.here, 'node_modules', 'axe-core', 'axe.min.js');
    const axeCheck = async (on, address) => {
        await on.goto(`${api}${address}`, { waitUntil: 'domcontentloaded' });
        await on.addScriptTag({ path: axeSource });
        const result = await on.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        const bad = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
        assertEqual(bad.map((v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).slice(0, 3).join(', ')}`).join('; '), '', 'violations');
    };
    for (const [label, address] of [['the talk page', `/talk/${ID}?t=104&q=decorators`], ['the hostile talk page', `/talk/${XSS}`], ['the 404 page', '/talk/no/such-talk']]) {
        await run.check(`axe-core finds no serious or critical violation on ${label}`, () => axeCheck(axePage, address));
    }
    const dark = await (await run.browser({ viewport: { width: 1280, height: 900 }, bypassCSP: true, colorScheme: 'dark' })).newPage();
    await run.check('in the dark colour scheme the page is dark and axe-core finds no contrast problem', async () => {
        await axeCheck(dark, `/talk/${ID}?t=104&q=decorators`);
        const background = await dark.evaluate(() => getComputedStyle(document.querySelector('main')).backgroundColor);
        assertEqual(background, 'rgb(23, 26, 35)', 'the page follows prefers-color-scheme');
        await dark.screenshot({ path: path.join(run.outDir, 'talk-page-dark-1280.png') });
    });
    await run.check('headings run h1 then h2, and every landmark and link has a name', async () => {
        await axePage.goto(`${api}/talk/${ID}`);
        const levels = await axePage.evaluate(() => Array.from(document.querySelectorAll('h1, h2, h3, h4')).map((h) => h.tagName));
        assertEqual(levels[0], 'H1', 'first heading');
        assertEqual(levels.filter((l) => l === 'H1').length, 1, 'one h1');
        assert(levels.every((l) => l === 'H1' || l === 'H2'), `levels: ${levels}`);
        const unnamed = await axePage.evaluate(() => Array.from(document.querySelectorAll('a, section, form, nav'))
            .filter((el) => el.tagName === 'A' ? !el.textContent.trim() : !el.getAttribute('aria-labelledby') && !el.getAttribute('aria-label'))
            .length);
        assertEqual(unnamed, 0, 'elements without a name');
        await axePage.screenshot({ path: path.join(run.outDir, 'talk-page-390.png'), fullPage: true });
    });
}

try {
    await main();
} catch (error) {
    run.failed++;
    console.log(`FAIL the run could not go on: ${String((error && error.stack) || error).split('\n').slice(0, 4).join('\n     ')}`);
}
await run.finish();
