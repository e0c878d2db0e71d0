// Browser test of the <talk-search> widget and the server's search page, in real headless
// Chromium: builds an index of data/ plus tests/data/xss-talk, starts `talksearch-query serve`
// on 127.0.0.1, serves a conference's page from another origin that embeds the widget with its
// two lines, and uses both the way a person would (typing, Enter, Tab, clicks).
//
//   node widget.test.mjs --index-bin BIN --query-bin BIN --source DIR --out DIR
//
// Prints one line per check and `N passed, N failed` last; exits 1 on a failure, 77 (skipped)
// when Chromium or playwright-core is not installed (scripts/setup installs both). The run's
// options, server, browser and watchdog (100 s) are harness.mjs's. Screenshots go to --out.
// Everything listens on 127.0.0.1; requests to any other host are aborted.
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';

import { assert, assertEqual, startRun } from './harness.mjs';

const run = await startRun({ watchdogMs: 100_000 });
const { check, here, outDir } = run;
const started = Date.now();
let hostServer = null;

function clock(seconds) {
    return `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;
}

// ---- fixtures ----
// A conference's own page on another origin, embedding the widget with the two lines.
function hostPage(api) {
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Lakeshore PyConf: talk archive</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
  body { margin: 0; font: 16px/1.5 Georgia, "DejaVu Serif", serif; color: #17313b; background: #f4efe6; }
  header { background: #0f4c5c; color: #fff; padding: 1rem 2rem; display: flex; gap: 2rem; align-items: baseline; }
  header strong { font-size: 1.3rem; } header a { color: #cfe8ec; }
  main { max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
  h1 { font-weight: normal; margin: 0 0 1rem; }
  talk-search {
    --talk-search-accent: #0f766e; --talk-search-bg: #fffdf8; --talk-search-surface: #f4efe6;
    --talk-search-border: #d9cfbf; --talk-search-radius: 4px; --talk-search-mark: #fcd9a8;
    --talk-search-font: "Helvetica Neue", Arial, sans-serif;
    padding: 1rem; border-radius: 6px; box-shadow: 0 2px 10px rgb(0 0 0 / 8%);
  }
</style></head>
<body>
<header><strong>Lakeshore PyConf</strong><a href="#schedule">Schedule</a><a href="#archive">Talk archive</a></header>
<main>
<h1>Search every talk we recorded</h1>
<script src="${api}/widget.js" defer></script>
<talk-search src="${api}" examples="decorators, asyncio, packaging"></talk-search>
</main>
</body></html>`;
}

function startHostServer(api) {
    const requests = [];
    return new Promise((resolve) => {
        hostServer = http.createServer((req, res) => {
            requests.push(req.url);
            if (req.url === '/' || req.url.startsWith('/?')) {
                res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
                res.end(hostPage(api));
            } else {
                res.writeHead(404, { 'Content-Type': 'text/plain' });
                res.end('not found');
            }
        });
        hostServer.listen(0, '127.0.0.1', () => resolve({ url: `http://127.0.0.1:${hostServer.address().port}`, requests }));
    });
}

// ---- page helpers (Playwright's CSS locators pierce open shadow roots) ----
const talkCard = (page, title) => page.locator('talk-search article.talk', { has: page.locator('.title', { hasText: title }) });

async function searchInWidget(page, query) {
    await page.locator('talk-search input[type="search"]').fill(query);
    await page.locator('talk-search input[type="search"]').press('Enter');
}

async function statusText(page) {
    return (await page.locator('talk-search .status').textContent()).trim();
}

async function main() {
    const api = await run.serve();
    const host = await startHostServer(api);
    fs.mkdirSync(outDir, { recursive: true });

    // What the API says the decorators talk's moments are: the expected seconds.
    const expected = await (await fetch(`${api}/api/v1/search?q=decorators&limit=10&moments=3`)).json();
    const decorators = expected.results.find((r) => r.title === 'Decorators from the Ground Up');
    assert(decorators && decorators.moments.length >= 1, 'the API returns the decorators talk with moments');
    const seconds = decorators.moments.map((m) => Math.floor(m.jump_ms / 1000));

    const context = await run.browser({ viewport: { width: 1100, height: 900 } });
    // No network (the harness aborts what is not 127.0.0.1): a player iframe's request is
    // logged here first.
    const blocked = [];
    await context.route('**/*', (route) => {
        const url = new URL(route.request().url());
        if (url.hostname !== '127.0.0.1') blocked.push(url.href);
        return route.fallback();
    });
    const page = await context.newPage();
    const dialogs = [];
    const pageErrors = [];
    const cspViolations = [];
    page.on('dialog', (d) => { dialogs.push(d.message()); d.dismiss().catch(() => {}); });
    page.on('pageerror', (e) => pageErrors.push(e.message));
    page.on('console', (m) => {
        if (/Content[- ]Security[- ]Policy/i.test(m.text())) cspViolations.push(m.text());
    });

    await check('the API answers the embedding origin with Access-Control-Allow-Origin', async () => {
        const response = await fetch(`${api}/api/v1/search?q=decorators`, { headers: { Origin: host.url } });
        const allow = response.headers.get('access-control-allow-origin');
        assert(allow === '*' || allow === host.url, `Access-Control-Allow-Origin: ${allow}`);
    });

    await check('the widget on another origin finds "Decorators from the Ground Up" with its moments', async () => {
        await page.goto(host.url);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        await searchInWidget(page, 'decorators');
        const card = talkCard(page, 'Decorators from the Ground Up');
        await card.waitFor();
        const moments = card.locator('.moment');
        assertEqual(await moments.count(), decorators.moments.length, 'moments shown');
        // The pill shows where the player starts (the pre-roll included), so pill and player agree.
        const first = (await moments.first().textContent()).replace(/\s+/g, ' ');
        assert(first.includes(`Play from ${clock(seconds[0])}:`), `first moment shows ${clock(seconds[0])}: ${first}`);
        assertEqual(first.match(/\d+:\d\d/g).length, 1, `times named in the first moment ("${first}")`);
        assert(await card.locator('mark').count() >= 1, 'the matched words are marked');
        const meta = await card.locator('.meta').textContent();
        assert(meta.includes('Marisol Quenby') && meta.includes('Lakeshore PyConf 2017'), `speaker and event: ${meta}`);
        assert(/2017/.test(meta), `date: ${meta}`);
        const also = await card.locator('.also').textContent();
        assert(also.includes('PyDays Sierra Azul 2022'), `also given at: ${also}`);
        const titleLink = await card.locator('.title a').getAttribute('href');
        assertEqual(titleLink, decorators.catalogue_url, 'title links to the catalogue page');
        const count = await statusText(page);
        assert(/^\d+ talks? for \u201cdecorators\u201d/.test(count), `count line: ${count}`);
        await page.screenshot({ path: path.join(outDir, 'host-page-results.png'), fullPage: true });
    });

    await check('clicking a moment plays the YouTube video inline from the moment\'s second', async () => {
        const card = talkCard(page, 'Decorators from the Ground Up');
        for (const i of [0, seconds.length - 1]) {
            const moment = card.locator('.moment').nth(i);
            await moment.click();
            assert(/\bplaying\b/.test(await moment.getAttribute('class')), `moment ${i + 1} is marked as playing`);
            const frame = card.locator('.player iframe');
            await frame.waitFor();
            assertEqual(await page.locator('talk-search iframe').count(), 1, 'players on the page');
            const src = new URL(await frame.getAttribute('src'));
            assertEqual(src.origin + src.pathname, 'https://www.youtube-nocookie.com/embed/dCr8Gr0unD1', 'player URL');
            assertEqual(src.searchParams.get('start'), String(seconds[i]), `start second of moment ${i + 1}`);
            assertEqual(src.searchParams.get('autoplay'), '1', 'autoplay');
        }
        // data/README.md: the cues with "decorators" start at 15.12, 100.48 and 185.04 s; the
        // link starts 2 s before the word, inside or just before its cue.
        const cues = [15.12, 100.48, 185.04];
        assertEqual(seconds.length, cues.length, 'moments of the decorators talk');
        seconds.forEach((second, i) => {
            assert(second >= Math.floor(cues[i] - 2) && second <= cues[i] + 3, `moment ${i + 1} starts at ${second} s, by the cue at ${cues[i]} s`);
        });
        await talkCard(page, 'Decorators from the Ground Up').screenshot({ path: path.join(outDir, 'widget-player.png') });
    });

    await check('payloads in a title, speaker, event and captions render as text and run nothing', async () => {
        await searchInWidget(page, 'sanitizer');
        const card = talkCard(page, 'Sanitizer');
        await card.waitFor();
        await card.locator('mark').first().waitFor();
        const report = await page.evaluate(() => {
            const root = document.querySelector('talk-search').shadowRoot;
            const all = [...root.querySelectorAll('*')];
            return {
                imgs: root.querySelectorAll('img').length,
                scripts: root.querySelectorAll('script').length,
                foreignSvgs: [...root.querySelectorAll('svg')].filter((s) => !s.classList.contains('ts-icon')).length,
                handlers: all.filter((e) => [...e.attributes].some((a) => a.name.startsWith('on'))).map((e) => e.tagName),
                title: root.querySelector('.talk .title').textContent,
                meta: root.querySelector('.talk .meta').textContent,
                snippets: [...root.querySelectorAll('.talk .snippet')].map((s) => s.textContent).join(' | '),
                marks: [...root.querySelectorAll('.talk mark')].map((m) => m.textContent),
                documentImgs: document.querySelectorAll('img, svg').length,
                documentScripts: document.querySelectorAll('script').length,
                xssFlag: window.__xss === undefined,
            };
        });
        assertEqual(report.imgs, 0, '<img> elements in the widget');
        assertEqual(report.scripts, 0, '<script> elements in the widget');
        assertEqual(report.foreignSvgs, 0, '<svg> elements that are not the widget\'s icons');
        assertEqual(report.handlers.length, 0, 'elements with on* attributes');
        assertEqual(report.documentImgs, 0, '<img>/<svg> elements in the host page');
        assertEqual(report.documentScripts, 1, '<script> elements in the host page');
        assertEqual(report.title, 'Sanitizer <img src=x onerror=alert(1)> payloads </script><script>alert(4)</script>', 'title text');
        assert(report.meta.includes('"><svg onload=alert(2)> Mallory'), `speaker text: ${report.meta}`);
        assert(report.meta.includes("XSS Conf 2024 <script>alert('event')</script>"), `event text: ${report.meta}`);
        assert(report.snippets.includes('<img src=x onerror=alert(3)>'), `caption text: ${report.snippets}`);
        assert(report.snippets.includes('"><svg onload=alert(5)>') && report.snippets.includes('</script><script>alert(6)</script>'),
            `caption text: ${report.snippets}`);
        assert(report.marks.length >= 1 && report.marks.every((m) => /^sanitizer$/i.test(m)), `marks: ${report.marks}`);
        await page.waitForTimeout(200); // an onerror/onload would have fired by now
        assertEqual(dialogs.length, 0, `dialogs (${dialogs.join(', ')})`);
        assert(!host.requests.some((u) => u === '/x' || u.endsWith('/x')), 'no request for the payload image "x"');
        await card.screenshot({ path: path.join(outDir, 'widget-xss-as-text.png') });
    });

    await check('keyboard: Tab reaches the search box, Enter searches, Enter on a moment plays it', async () => {
        await page.goto(host.url);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        await page.locator('talk-search .example').first().waitFor();
        await page.screenshot({ path: path.join(outDir, 'host-page-idle.png') });
        let inInput = false;
        for (let i = 0; i < 8 && !inInput; i++) {
            await page.keyboard.press('Tab');
            inInput = await page.evaluate(() => {
                const active = document.activeElement;
                return !!active && active.tagName === 'TALK-SEARCH' && active.shadowRoot.activeElement?.tagName === 'INPUT';
            });
        }
        assert(inInput, 'Tab moved focus into the search box');
        const ring = await page.evaluate(() => {
            const box = document.querySelector('talk-search').shadowRoot.querySelector('.box');
            return getComputedStyle(box).boxShadow;
        });
        assert(ring && ring !== 'none', `the focused search box shows a focus ring (${ring})`);
        await page.keyboard.type('decorators');
        await page.keyboard.press('Enter');
        const card = talkCard(page, 'Decorators from the Ground Up');
        await card.waitFor();
        let onMoment = false;
        for (let i = 0; i < 8 && !onMoment; i++) {
            await page.keyboard.press('Tab');
            onMoment = await page.evaluate(() => document.querySelector('talk-search').shadowRoot.activeElement?.classList.contains('moment'));
        }
        assert(onMoment, 'Tab reached the first moment');
        const outline = await page.evaluate(() => getComputedStyle(document.querySelector('talk-search').shadowRoot.activeElement).outlineStyle);
        assert(outline !== 'none', `a focused moment has a visible outline (${outline})`);
        await page.keyboard.press('Enter');
        const src = new URL(await card.locator('.player iframe').getAttribute('src'));
        assertEqual(src.searchParams.get('start'), String(seconds[0]), 'Enter on the first moment plays its second');
        const live = await page.locator('talk-search [aria-live="polite"]').textContent();
        assert(/talks? for/.test(live), `the count is in a polite live region: ${live}`);
    });

    await check('"did you mean" is a link that runs the suggestion; paging moves through the talks', async () => {
        await searchInWidget(page, 'pythn');
        const suggestion = page.locator('talk-search .suggestion button');
        await suggestion.waitFor();
        assertEqual((await suggestion.textContent()).trim(), 'python', 'suggestion');
        await page.locator('talk-search').evaluate((w) => w.setAttribute('limit', '2'));
        await suggestion.click();
        await page.locator('talk-search .talk').first().waitFor();
        await page.waitForFunction(() => /page 1 of/.test(document.querySelector('talk-search').shadowRoot.querySelector('.status').textContent));
        assertEqual(await page.locator('talk-search input[type="search"]').inputValue(), 'python', 'the box holds the suggestion');
        const firstPage = await page.locator('talk-search .talk .title').allTextContents();
        assertEqual(firstPage.length, 2, 'talks on page 1');
        assert(await page.locator('talk-search .pager button').first().isDisabled(), 'Previous is disabled on page 1');
        await page.locator('talk-search .pager button', { hasText: 'Next' }).click();
        await page.waitForFunction(() => /page 2 of/.test(document.querySelector('talk-search').shadowRoot.querySelector('.status').textContent));
        const secondPage = await page.locator('talk-search .talk .title').allTextContents();
        assert(secondPage.length >= 1 && secondPage.every((t) => !firstPage.includes(t)), `page 2 shows other talks: ${secondPage}`);
        assert(await page.locator('talk-search .pager button').first().isEnabled(), 'Previous is enabled on page 2');
        await page.locator('talk-search').evaluate((w) => w.removeAttribute('limit'));
    });

    await check('loading, empty and error states are shown', async () => {
        let release;
        const gate = new Promise((resolve) => { release = resolve; });
        await page.route('**/api/v1/search?*', async (route) => { await gate; await route.continue(); });
        await searchInWidget(page, 'decorators');
        await page.waitForFunction(() => /Searching/.test(document.querySelector('talk-search').shadowRoot.querySelector('.status').textContent));
        release();
        await talkCard(page, 'Decorators from the Ground Up').waitFor();
        await page.unroute('**/api/v1/search?*');

        await searchInWidget(page, 'zzyzxquorble');
        await page.locator('talk-search .empty').waitFor();
        assert(/No talks match/.test(await statusText(page)), `empty status: ${await statusText(page)}`);

        await page.route('**/api/v1/search?*', (route) => route.fulfill({ status: 503, contentType: 'application/json', body: '{"error":"index unavailable"}' }));
        await searchInWidget(page, 'decorators');
        await page.locator('talk-search .status.error').waitFor();
        assert(/unavailable/.test(await statusText(page)), `error status: ${await statusText(page)}`);
        assertEqual(await page.locator('talk-search .talk').count(), 0, 'no stale results under an error');
        await page.unroute('**/api/v1/search?*');
        await page.locator('talk-search .retry').click();
        await talkCard(page, 'Decorators from the Ground Up').waitFor();
    });

    await check('Vimeo moments play in Vimeo\'s player, other hosts open the link, javascript: URLs are no link, "did you mean" with results', async () => {
        const talk = (title, catalogue, videoUrl, moment) => ({
            title, speakers: ['Ada Example'], event: 'e', event_title: 'Example Conf', recorded: '2020-01-02',
            catalogue_url: catalogue, video_url: videoUrl, link: { url: videoUrl, clip_url: null, host: 'other', time_text: null },
            moments: [moment], other_recordings: [],
        });
        const body = {
            version: 1, query: 'hosts', total: 2, total_exact: true, offset: 0, limit: 10, suggestion: 'ghosts', notices: [], facets: null,
            results: [
                { ...talk('On Vimeo', 'javascript:alert(7)', 'https://vimeo.com/700000123', {
                    start_ms: 65000, end_ms: 70000, jump_ms: 63000, time: '1:05', timed: true, text: 'said here', html: 'said <mark>here</mark>',
                    link: { url: 'https://vimeo.com/700000123#t=63s', clip_url: null, host: 'vimeo', time_text: null }, chapter: null }),
                  embed_url: 'https://player.vimeo.com/video/700000123' },
                talk('On archive.org', 'https://archive.example/talk', 'https://archive.org/details/talk', {
                    start_ms: 30000, end_ms: 34000, jump_ms: 28000, time: '0:30', timed: true, text: 'and here', html: 'and <mark>here</mark>',
                    link: { url: 'https://archive.org/details/talk?start=28', clip_url: 'https://archive.org/details/talk?start=28&end=34', host: 'archive.org', time_text: null }, chapter: null }),
            ],
        };
        await page.route('**/api/v1/search?*', (route) => route.fulfill({ status: 200, contentType: 'application/json', body: JSON.stringify(body) }));
        try {
            await checkHosts();
        } finally {
            await page.unroute('**/api/v1/search?*');
        }
    });
    async function checkHosts() {
        await page.goto(host.url);
        await searchInWidget(page, 'hosts');
        const vimeo = talkCard(page, 'On Vimeo');
        await vimeo.waitFor();
        assertEqual((await page.locator('talk-search .suggestion').textContent()).trim(), 'Did you mean ghosts?', '"did you mean" beside results');
        assertEqual(await vimeo.locator('.title a').getAttribute('href'), 'https://vimeo.com/700000123',
            'the title links to the video when the catalogue URL is javascript:');
        await vimeo.locator('.moment').click();
        assertEqual(await vimeo.locator('.player iframe').getAttribute('src'), 'https://player.vimeo.com/video/700000123?autoplay=1#t=63s', 'Vimeo player');
        const archive = talkCard(page, 'On archive.org');
        const link = archive.locator('a.moment');
        assertEqual(await link.getAttribute('href'), 'https://archive.org/details/talk?start=28', 'archive.org moment link');
        assertEqual(await link.getAttribute('target'), '_blank', 'opens in a new tab');
        assertEqual(await archive.locator('.title a').getAttribute('href'), 'https://archive.example/talk', 'catalogue link');
        assertEqual(await page.locator('talk-search a[href^="javascript:"]').count(), 0, 'javascript: links');
    }

    await check('the server\'s page /?q=decorators shows results and keeps the query in its URL', async () => {
        const violationsBefore = cspViolations.length;
        await page.goto(`${api}/?q=decorators`);
        const card = talkCard(page, 'Decorators from the Ground Up');
        await card.waitFor();
        assert(await card.locator('.moment').count() >= 1, 'moments on the server\'s page');
        await page.screenshot({ path: path.join(outDir, 'server-page-results.png'), fullPage: true });
        await card.locator('.moment').first().click();
        await card.locator('.player iframe').waitFor();
        await page.screenshot({ path: path.join(outDir, 'server-page-player.png'), fullPage: true });
        await searchInWidget(page, 'asyncio');
        await talkCard(page, 'Async').first().waitFor();
        const url = new URL(page.url());
        assertEqual(url.pathname, '/', 'path');
        assertEqual(url.searchParams.get('q'), 'asyncio', 'q in the URL after a new search');
        assert(/asyncio/.test(await page.title()), `title: ${await page.title()}`);
        assertEqual(cspViolations.length - violationsBefore, 0, `CSP violations: ${cspViolations.join(' | ')}`);
        await page.goto(`${api}/`);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        await page.screenshot({ path: path.join(outDir, 'server-page-empty.png'), fullPage: true });
    });

    // ---- the server's page: as you type, facets, history, keyboard, links, accessibility ----
    const pageTalks = () => page.locator('talk-search .talk .title').allTextContents();
    const waitStatus = (re) => page.waitForFunction((source) => new RegExp(source).test(
        document.querySelector('talk-search').shadowRoot.querySelector('.status').textContent), re.source);
    // The facet counts come after the talks (a second request): wait until they are in.
    const waitFacets = () => page.waitForFunction(() => {
        const facets = document.querySelector('talk-search').shadowRoot.querySelector('.facets');
        return facets.children.length > 0 && !facets.hasAttribute('aria-busy');
    });

    await check('typing shows results without Enter, and the URL follows', async () => {
        await page.goto(`${api}/`);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        const rendered = page.evaluate(() => new Promise((resolve) => {
            document.addEventListener('talk-search-results', (e) => {
                if (e.detail.query === 'decorators') resolve(e.detail);
            });
        }));
        const entriesBefore = await page.evaluate(() => history.length);
        await page.locator('talk-search input[type="search"]').focus();
        await page.keyboard.type('decorators', { delay: 40 });
        await talkCard(page, 'Decorators from the Ground Up').waitFor();
        const detail = await rendered;
        assert(detail.renderEnd >= detail.responseEnd && detail.responseEnd >= detail.requestStart, `the talk-search-results event's times: ${JSON.stringify(detail)}`);
        assertEqual(new URL(page.url()).searchParams.get('q'), 'decorators', 'q in the URL');
        const entries = await page.evaluate(() => history.length) - entriesBefore;
        assertEqual(entries, 1, 'history entries added by typing one query');
    });

    await check('a space typed after a word keeps the search; a talk page\'s speaker link searches by the speaker alone', async () => {
        await page.goto(`${api}/`);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        const box = page.locator('talk-search input[type="search"]');
        await box.fill('pytest');
        await box.press('Space');
        await talkCard(page, 'pytest Beyond assert').waitFor();
        await waitStatus(/^\d+ talks? for \u201cpytest\u201d/);
        await page.goto(`${api}/?speaker=${encodeURIComponent('Marisol Quenby')}`);
        await waitStatus(/^\d+ talks? for the filters chosen/);
        const talks = await pageTalks();
        assert(talks.length === 1 && /decorators from the ground up/i.test(talks[0]), `the speaker's one talk (two recordings): ${JSON.stringify(talks)}`);
    });

    await check('a facet click narrows the results and updates the URL; Back and Forward restore the searches', async () => {
        await page.goto(`${api}/?q=python`);
        await waitStatus(/^\d+ talks? for/);
        const all = await pageTalks();
        const valdoria = page.locator('talk-search .side label', { hasText: 'PyCon Valdoria 2019' });
        await valdoria.locator('input').check();
        await page.waitForFunction(() => new URL(location.href).searchParams.get('event') === 'pycon-valdoria-2019');
        await waitStatus(/^2 talks for/);
        await waitFacets();
        const narrowed = await pageTalks();
        assert(narrowed.length > 0 && narrowed.length < all.length, `fewer talks: ${all.length} -> ${narrowed.length}`);
        for (const meta of await page.locator('talk-search .talk .meta').allTextContents()) {
            assert(meta.includes('PyCon Valdoria 2019'), `every talk is of the chosen event: ${meta}`);
        }
        // The other events are still offered (counted without the event filter).
        assert(await page.locator('talk-search .side label', { hasText: 'Lakeshore PyConf 2017' }).count() === 1, 'the other events stay listed');
        await page.locator('talk-search .side label', { hasText: 'English' }).locator('input').check();
        await page.waitForFunction(() => new URL(location.href).searchParams.get('language') === 'en');
        await searchInWidget(page, 'asyncio');
        await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'asyncio');

        await page.goBack();
        await page.waitForFunction(() => new URL(location.href).searchParams.get('q') === 'python' && new URL(location.href).searchParams.get('language') === 'en');
        assertEqual(await page.locator('talk-search input[type="search"]').inputValue(), 'python', 'Back: the box');
        await page.goBack();
        await page.waitForFunction(() => !new URL(location.href).searchParams.has('language'));
        await waitStatus(/^2 talks for/);
        await waitFacets();
        assert(await valdoria.locator('input').isChecked(), 'Back: the event filter is checked again');
        await page.goBack();
        await page.waitForFunction(() => !new URL(location.href).searchParams.has('event'));
        await waitStatus(new RegExp(`^${all.length} talks for`));
        await waitFacets();
        assert(!(await valdoria.locator('input').isChecked()), 'Back: no event filter');
        assertEqual((await pageTalks()).join('|'), all.join('|'), 'Back: the first search\'s talks');
        await page.goForward();
        await page.waitForFunction(() => new URL(location.href).searchParams.get('event') === 'pycon-valdoria-2019');
        await waitStatus(/^2 talks for/);
    });

    await check('no talk: the suggestion and each filter dropped are offered; "said in the talk" and sort go in the URL', async () => {
        await page.goto(`${api}/?q=asyncio&event=lakeshore-pyconf-2017&spoken=1&sort=date`);
        await page.locator('talk-search .empty').waitFor();
        assert(await page.locator('talk-search .toolbar input[type="checkbox"]').isChecked(), 'the spoken box is checked');
        assertEqual(await page.locator('talk-search select').inputValue(), 'date', 'sort from the URL');
        const chips = await page.locator('talk-search .empty .chip').allTextContents();
        assert(chips.some((c) => /Event: (Lakeshore PyConf 2017|lakeshore-pyconf-2017)/.test(c)) && chips.some((c) => /Said in the talk/.test(c)), `chips: ${chips}`);
        await page.locator('talk-search .empty .chip', { hasText: 'Event' }).click();
        await talkCard(page, 'Async').first().waitFor();
        const url = new URL(page.url());
        assert(!url.searchParams.has('event') && url.searchParams.get('spoken') === '1' && url.searchParams.get('sort') === 'date', `URL: ${url.search}`);
    });

    await check('keyboard: / and Ctrl-K focus the box (not in another field), arrows move through moments, Esc clears', async () => {
        await page.goto(`${api}/?q=decorators`);
        await talkCard(page, 'Decorators from the Ground Up').waitFor();
        const inBox = () => page.evaluate(() => document.activeElement?.tagName === 'TALK-SEARCH'
            && document.activeElement.shadowRoot.activeElement?.tagName === 'INPUT');
        await page.locator('.help summary').focus();
        await page.keyboard.press('/');
        assert(await inBox(), '/ focused the search box');
        await page.locator('.help summary').focus();
        await page.keyboard.press('Control+k');
        assert(await inBox(), 'Ctrl-K focused the search box');
        await page.evaluate(() => {
            const other = Object.assign(document.createElement('input'), { id: 'other-field' });
            document.body.append(other);
        });
        await page.locator('#other-field').focus();
        await page.keyboard.press('/');
        assertEqual(await page.locator('#other-field').inputValue(), '/', '/ is typed in another field');
        assert(!(await inBox()), 'the box is not focused while typing elsewhere');
        await page.evaluate(() => document.getElementById('other-field').remove());
        await page.locator('talk-search input[type="search"]').focus();
        const focusedMoment = () => page.evaluate(() => {
            const active = document.querySelector('talk-search').shadowRoot.activeElement;
            return active && active.classList.contains('moment') ? [...active.getRootNode().querySelectorAll('.moment')].indexOf(active) : -1;
        });
        await page.keyboard.press('ArrowDown');
        assertEqual(await focusedMoment(), 0, 'ArrowDown from the box: first moment');
        await page.keyboard.press('ArrowDown');
        assertEqual(await focusedMoment(), 1, 'ArrowDown: second moment');
        await page.keyboard.press('ArrowUp');
        assertEqual(await focusedMoment(), 0, 'ArrowUp: first moment');
        await page.keyboard.press('Escape');
        await page.waitForFunction(() => !new URL(location.href).searchParams.has('q'));
        assertEqual(await page.locator('talk-search .talk').count(), 0, 'Esc cleared the results');
        assert(await inBox(), 'Esc leaves the focus in the box');
    });

    await check('a moment is a link to the talk page at its second; a middle-click opens it, a plain click plays inline', async () => {
        await page.goto(`${api}/?q=decorators`);
        const card = talkCard(page, 'Decorators from the Ground Up');
        await card.waitFor();
        const moment = card.locator('.moment').first();
        assertEqual(await moment.evaluate((m) => m.tagName), 'A', 'the moment is an <a>');
        const href = await moment.getAttribute('href');
        const want = `${api}/talk/lakeshore-pyconf-2017/decorators-from-the-ground-up?t=${seconds[0]}&q=decorators`;
        assertEqual(href, want, 'the moment\'s href');
        const opened = context.waitForEvent('page');
        await moment.click({ button: 'middle' });
        const tab = await opened;
        await tab.waitForLoadState('domcontentloaded').catch(() => {});
        assertEqual(tab.url(), want, 'the middle-clicked tab\'s URL');
        // The talk page opens at that second: its player starts there, and the paragraph
        // that holds the second is the current one, with the words marked.
        const player = await tab.locator('#player iframe').getAttribute('src');
        assertEqual(player, `https://www.youtube-nocookie.com/embed/dCr8Gr0unD1?start=${seconds[0]}`, 'the talk page\'s player start');
        const current = tab.locator('.talk-current');
        assert(await current.count() === 1, 'one paragraph of the talk page is the current one');
        assert(/decorator/i.test(await current.locator('mark').first().textContent()), 'the query\'s words are marked in it');
        await tab.close();
        assertEqual(page.url(), `${api}/?q=decorators`, 'the middle-click left the page where it was');
        assertEqual((await fetch(href)).status, 200, 'the talk page\'s status');
        await moment.click();
        await card.locator('.player iframe').waitFor();
        assertEqual(page.url(), `${api}/?q=decorators`, 'a plain click stays on the page');
        assert(/Playing from 0:15 \(the words at 0:17\)/.test(await card.locator('.player-bar').textContent()), 'the player says where it starts and where the words are');
    });

    // axe-core (tests/browser/node_modules/axe-core): serious and critical violations.
    const axeSource = fs.readFileSync(path.join(here, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
    async function axeViolations(target) {
        await target.addScriptTag({ content: axeSource }).catch(() => {});
        // The server's page forbids inline scripts (CSP): the tool then runs as DevTools would.
        if (!(await target.evaluate(() => typeof window.axe === 'object'))) await target.evaluate(axeSource);
        const result = await target.evaluate(() => window.axe.run(document, { resultTypes: ['violations'] }));
        return result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical')
            .map((v) => `${v.id} (${v.impact}): ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`);
    }

    await check('the page with results: headings in order, input border 3:1, no serious axe violation (light and dark)', async () => {
        for (const scheme of ['light', 'dark']) {
            await page.emulateMedia({ colorScheme: scheme });
            await page.goto(`${api}/?q=decorators&event=lakeshore-pyconf-2017`);
            await talkCard(page, 'Decorators from the Ground Up').waitFor();
            const report = await page.evaluate(() => {
                const levels = [];
                const walk = (root) => {
                    for (const node of root.querySelectorAll('*')) {
                        if (/^H[1-6]$/.test(node.tagName)) levels.push(Number(node.tagName[1]));
                        if (node.shadowRoot) walk(node.shadowRoot);
                    }
                };
                walk(document);
                const luminance = (rgb) => {
                    const [r, g, b] = rgb.match(/[\d.]+/g).slice(0, 3).map(Number).map((c) => {
                        const s = c / 255;
                        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
                    });
                    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
                };
                const box = document.querySelector('talk-search').shadowRoot.querySelector('.box');
                const style = getComputedStyle(box);
                const [a, b] = [luminance(style.borderTopColor), luminance(style.backgroundColor)];
                return { levels, contrast: (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05), bg: getComputedStyle(document.body).backgroundColor };
            });
            assertEqual(report.levels[0], 1, `${scheme}: the first heading`);
            report.levels.forEach((level, i) => assert(i === 0 || level <= report.levels[i - 1] + 1, `${scheme}: headings skip a level: ${report.levels}`));
            assert(report.contrast >= 3, `${scheme}: the search box's border contrast is ${report.contrast.toFixed(2)}:1`);
            if (scheme === 'dark') assert(report.bg !== 'rgb(243, 244, 248)', `the dark page has a dark background (${report.bg})`);
            const violations = await axeViolations(page);
            assertEqual(violations.length, 0, `${scheme}: axe: ${violations.join(' | ')}`);
        }
        await page.emulateMedia({ colorScheme: 'light' });
    });

    await check('screenshots at 1280 and 390 px; on a phone the header shrinks and the filters open in a sheet', async () => {
        await page.setViewportSize({ width: 1280, height: 900 });
        await page.goto(`${api}/?q=python`);
        await waitStatus(/^\d+ talks? for/);
        await page.screenshot({ path: path.join(outDir, 'page-1280.png'), fullPage: true });
        await page.emulateMedia({ colorScheme: 'dark' });
        await page.screenshot({ path: path.join(outDir, 'page-1280-dark.png'), fullPage: true });
        await page.emulateMedia({ colorScheme: 'light' });
        await page.setViewportSize({ width: 390, height: 844 });
        await page.goto(`${api}/`);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        const tall = await page.locator('.masthead').boundingBox();
        await searchInWidget(page, 'python');
        await waitStatus(/^\d+ talks? for/);
        const short = await page.locator('.masthead').boundingBox();
        assert(short.height < tall.height - 40, `the header shrinks after a search: ${tall.height} -> ${short.height} px`);
        assert(!(await page.locator('talk-search .side').isVisible()), 'no side column on a phone');
        await page.screenshot({ path: path.join(outDir, 'page-390.png'), fullPage: true });
        await page.locator('talk-search .filters-btn').click();
        const sheet = page.locator('talk-search dialog.sheet');
        await sheet.waitFor();
        assert(await sheet.evaluate((d) => d.open && d.matches(':modal')), 'the filters are a modal sheet');
        await page.screenshot({ path: path.join(outDir, 'page-390-filters.png') });
        await sheet.locator('label', { hasText: 'PyCon Valdoria 2019' }).locator('input').check();
        await page.waitForFunction(() => new URL(location.href).searchParams.get('event') === 'pycon-valdoria-2019');
        await sheet.locator('.sheet-done').click();
        assert(!(await sheet.isVisible()), 'the sheet closes');
        await waitStatus(/^2 talks for/);
        await page.setViewportSize({ width: 1100, height: 900 });
    });

    await check('the widget on a host page: transparent, its own letter-spacing, its scope, facets without the host URL, axe', async () => {
        await page.goto(host.url);
        await page.waitForFunction(() => customElements.get('talk-search') !== undefined);
        const look = await page.evaluate(() => {
            document.body.style.letterSpacing = '0.2em';
            const plain = document.createElement('talk-search');
            plain.setAttribute('event', 'lakeshore-pyconf-2017');
            plain.setAttribute('facets', '');
            plain.style.setProperty('--talk-search-bg', 'initial'); // the host page sets one on every talk-search
            plain.id = 'scoped';
            document.querySelector('main').append(plain);
            const style = getComputedStyle(plain);
            return { bg: style.backgroundColor, spacing: getComputedStyle(plain.shadowRoot.querySelector('.box')).letterSpacing };
        });
        assertEqual(look.bg, 'rgba(0, 0, 0, 0)', 'the widget\'s own background');
        assertEqual(look.spacing, 'normal', 'letter-spacing inside the widget');
        const scoped = page.locator('#scoped');
        await page.waitForFunction(() => /Searching Lakeshore PyConf 2017/.test(document.getElementById('scoped').shadowRoot.querySelector('.scope').textContent));
        const before = page.url();
        await scoped.locator('input[type="search"]').fill('decorators');
        await scoped.locator('input[type="search"]').press('Enter');
        await scoped.locator('.talk').first().waitFor();
        assertEqual(await scoped.locator('.facet legend', { hasText: 'Event' }).count(), 0, 'no event facet in a widget scoped to one event');
        const count = await scoped.locator('.talk').count();
        await scoped.locator('.facet').first().waitFor({ state: 'attached' });
        const sheetButton = scoped.locator('.filters-btn');
        if (await sheetButton.isVisible()) await sheetButton.click(); // a narrow widget: the sheet
        await scoped.locator('.facet label', { hasText: 'Ines Calloway' }).locator('input').check();
        await page.waitForFunction(() => document.getElementById('scoped').shadowRoot.querySelectorAll('.talk').length === 1);
        if (await scoped.locator('dialog.sheet').isVisible()) await scoped.locator('.sheet-done').click();
        assert(count > 1, `the speaker facet narrowed ${count} talks to 1`);
        assertEqual(page.url(), before, 'the host page\'s URL');
        const violations = await axeViolations(page);
        assertEqual(violations.length, 0, `axe: ${violations.join(' | ')}`);
        await page.screenshot({ path: path.join(outDir, 'host-page-scoped-facets.png'), fullPage: true });
        await page.evaluate(() => { document.body.style.letterSpacing = ''; });
    });

    await check('no script errors, dialogs or requests beyond 127.0.0.1 other than the players', async () => {
        assertEqual(pageErrors.length, 0, `page errors: ${pageErrors.join(' | ')}`);
        assertEqual(dialogs.length, 0, `dialogs: ${dialogs.join(' | ')}`);
        const players = /^https:\/\/(www\.youtube-nocookie\.com\/embed|player\.vimeo\.com\/video)\//;
        const unexpected = blocked.filter((u) => !players.test(u));
        assertEqual(unexpected.length, 0, `requests to other hosts: ${unexpected.join(' ')}`);
    });
}

try {
    await main();
} catch (error) {
    run.failed++;
    console.log(`FAIL setup: ${String(error && error.stack || error)}`);
} finally {
    if (hostServer) hostServer.close();
}
console.log(`time: ${((Date.now() - started) / 1000).toFixed(1)} s`);
await run.finish();
