// <talk-search>: talksearch's embeddable search box (a dependency-free web component).
//
//   <script src="https://search.example.org/widget.js" defer></script>
//   <talk-search src="https://search.example.org"></talk-search>
//
// Attributes: src (the talksearch server; default: where this script came from), placeholder,
// limit (talks per page, 10), query (searched on load), examples (comma-separated queries
// offered before the first search), event and year (scope every search, as the API's `event=`
// and `year=`; shown as "Searching ..."), scope-label, facets (event, year, speaker and
// language counts, "said in the talk", sort), shortcuts ("/" and Ctrl-K focus the box),
// heading-level (of the talks' titles, 2), debounce (ms), theme ("light", "dark" or "auto").
// Methods: search(query, offset = 0), setState(params); property: state (URLSearchParams named
// as the API's). Events (bubble, composed): `talk-search` when a search starts, detail {query,
// offset, page, source, state}; `talk-search-results` when its results are in the DOM.
// Styling: the --talk-search-* custom properties and ::part(). web/README.md has the details.
//
// Security: every string of the API is put on the page with textContent or as an attribute
// value; nothing is parsed as HTML. A snippet's `html` is split on its <mark> tags only and
// its entities decoded by hand, so "<img onerror=...>" in a title or a caption stays text.
// Only http(s) URLs become links, and a player's iframe URL is a result's `embed_url` only
// when it matched a strict pattern of a YouTube (nocookie) or Vimeo player URL.
(() => {
    'use strict';
    if (customElements.get('talk-search')) return;

    // Where this script was loaded from: the default for `src`.
    const SCRIPT_URL = document.currentScript && document.currentScript.src;
    const MOMENTS_PER_TALK = 3;
    const FETCH_TIMEOUT_MS = 20000;

    const CSS = `
:host {
  --_accent: var(--talk-search-accent, #4338ca);
  --_on-accent: var(--talk-search-on-accent, #ffffff);
  --_font: var(--talk-search-font, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif);
  --_bg: var(--talk-search-bg, #ffffff);
  --_fg: var(--talk-search-fg, #1f2330);
  --_muted: var(--talk-search-muted, #5d6475);
  --_border: var(--talk-search-border, #dcdfe6);
  --_surface: var(--talk-search-surface, #f6f7f9);
  --_mark: var(--talk-search-mark, #ffe58a);
  --_mark-fg: var(--talk-search-mark-fg, inherit);
  --_radius: var(--talk-search-radius, 10px);
  --_error: var(--talk-search-error, #b42318);
  --_field-border: var(--talk-search-field-border, #767b88);
  --_soft: color-mix(in srgb, var(--_accent) 9%, var(--_bg));
  --_soft-strong: color-mix(in srgb, var(--_accent) 16%, var(--_bg));
  display: block;
  box-sizing: border-box;
  container-type: inline-size;
  max-width: var(--talk-search-max-width, 46rem);
  color: var(--_fg);
  background: var(--talk-search-bg, transparent);
  font-family: var(--_font);
  font-size: var(--talk-search-font-size, 1rem);
  line-height: 1.5;
  text-align: start;
  /* Inherited text properties of the host page stop here: the widget sets its own. */
  letter-spacing: var(--talk-search-letter-spacing, normal);
  word-spacing: normal;
  text-transform: none;
  text-indent: 0;
  font-style: normal;
  font-weight: normal;
  white-space: normal;
}
:host([hidden]) { display: none; }
:host([theme="dark"]) {
  --_bg: var(--talk-search-bg, #14161c);
  --_fg: var(--talk-search-fg, #e8eaf0);
  --_muted: var(--talk-search-muted, #a2a8b8);
  --_border: var(--talk-search-border, #343947);
  --_surface: var(--talk-search-surface, #1c1f27);
  --_accent: var(--talk-search-accent, #a5b4fc);
  --_on-accent: var(--talk-search-on-accent, #14161c);
  --_mark: var(--talk-search-mark, #705b12);
  --_error: var(--talk-search-error, #fda29b);
  --_field-border: var(--talk-search-field-border, #8c93a6);
}
@media (prefers-color-scheme: dark) {
  :host([theme="auto"]) {
    --_bg: var(--talk-search-bg, #14161c);
    --_fg: var(--talk-search-fg, #e8eaf0);
    --_muted: var(--talk-search-muted, #a2a8b8);
    --_border: var(--talk-search-border, #343947);
    --_surface: var(--talk-search-surface, #1c1f27);
    --_accent: var(--talk-search-accent, #a5b4fc);
    --_on-accent: var(--talk-search-on-accent, #14161c);
    --_mark: var(--talk-search-mark, #705b12);
    --_error: var(--talk-search-error, #fda29b);
  --_field-border: var(--talk-search-field-border, #8c93a6);
  }
}
*, *::before, *::after { box-sizing: inherit; }
a { color: var(--_accent); text-underline-offset: 0.15em; }
a:hover { text-decoration-thickness: 2px; }
:focus-visible { outline: 3px solid var(--_accent); outline-offset: 2px; }
.sr-only {
  position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
  clip: rect(0 0 0 0); white-space: nowrap; border: 0;
}

/* The search box */
form { margin: 0; }
.box {
  display: flex; align-items: stretch; gap: 0;
  border: 1.5px solid var(--_field-border); border-radius: var(--_radius);
  background: var(--_bg); overflow: hidden;
  transition: border-color 0.15s, box-shadow 0.15s;
}
.box:focus-within {
  border-color: var(--_accent);
  box-shadow: 0 0 0 3px color-mix(in srgb, var(--_accent) 22%, transparent);
}
.icon { flex: none; display: flex; align-items: center; padding-inline: 0.85rem 0.2rem; color: var(--_muted); }
.icon svg { width: 1.15rem; height: 1.15rem; }
input {
  flex: 1; min-width: 0; border: 0; margin: 0; padding: 0.8rem 0.6rem;
  font: inherit; font-size: 1.05rem; color: var(--_fg); background: transparent;
}
input:focus, input:focus-visible { outline: none; }
input::placeholder { color: var(--_muted); opacity: 1; }
input::-webkit-search-cancel-button { cursor: pointer; }
button { font: inherit; cursor: pointer; }
.submit {
  flex: none; border: 0; margin: 0.3rem; padding: 0 1.2rem;
  border-radius: calc(var(--_radius) - 3px);
  background: var(--_accent); color: var(--_on-accent); font-weight: 600;
}
.submit:hover { filter: brightness(1.1); }
.submit:focus-visible { outline-offset: 1px; }

/* Status, suggestion, notices */
.status { margin: 0.9rem 0.15rem 0.4rem; min-height: 1.5em; color: var(--_muted); font-size: 0.92rem; }
.status strong { color: var(--_fg); font-weight: 600; }
.status:empty { min-height: 0; margin-block: 0.75rem 0; }
.status.error { color: var(--_error); }
.spinner {
  display: inline-block; width: 0.9em; height: 0.9em; margin-inline-end: 0.45em; vertical-align: -0.1em;
  border: 2px solid var(--_border); border-top-color: var(--_accent); border-radius: 50%;
  animation: spin 0.7s linear infinite;
}
@keyframes spin { to { transform: rotate(360deg); } }
@media (prefers-reduced-motion: reduce) { .spinner { animation-duration: 2s; } }
.retry, .linkish {
  border: 0; padding: 0; background: none; color: var(--_accent);
  text-decoration: underline; text-underline-offset: 0.15em;
}
.retry { margin-inline-start: 0.5em; }
.suggestion { margin: 0 0.15rem 0.6rem; font-size: 0.98rem; }
.suggestion .linkish { font-weight: 600; font-style: italic; }
.notices { margin: 0 0.15rem 0.6rem; padding: 0; list-style: none; color: var(--_muted); font-size: 0.88rem; }
.empty {
  margin: 0.4rem 0 0; padding: 1.4rem 1.2rem; border: 1.5px dashed var(--_border);
  border-radius: var(--_radius); color: var(--_muted); text-align: center;
}
.empty p { margin: 0.2rem 0; }
.empty strong { color: var(--_fg); }

/* Results */
.results { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.9rem; }
.results:focus { outline: none; }
/* Talks below the fold are laid out and painted when scrolled to: results show sooner. */
.results > li { content-visibility: auto; contain-intrinsic-size: auto 14rem; }
.results[aria-busy="true"] { opacity: 0.55; transition: opacity 0.2s 0.15s; }
.talk {
  border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_bg);
  padding: 1rem 1.1rem 0.9rem;
}
.title { margin: 0; font-size: 1.12rem; line-height: 1.35; font-weight: 650; overflow-wrap: anywhere; }
.title a { color: var(--_fg); text-decoration: none; }
.title a:hover { color: var(--_accent); text-decoration: underline; }
.meta { margin: 0.3rem 0 0; color: var(--_muted); font-size: 0.9rem; }
/* The dot sticks to the item before it (a no-break space), so a wrapped line never starts with one. */
.meta > :not(:last-child)::after { content: "\\00a0\\00b7"; color: var(--_muted); font-weight: 700; opacity: 0.6; }
.speakers { color: var(--_fg); font-weight: 500; }
.badge {
  display: inline-block; padding: 0 0.45em; border-radius: 999px; font-size: 0.78rem;
  background: var(--_surface); border: 1px solid var(--_border); color: var(--_muted);
}
.moments { list-style: none; margin: 0.75rem 0 0; padding: 0; display: grid; gap: 0.3rem; }
.moment {
  display: flex; gap: 0.8rem; align-items: baseline; width: 100%;
  margin: 0; padding: 0.45rem 0.6rem; border: 1px solid transparent; border-radius: calc(var(--_radius) - 4px);
  background: var(--_surface); color: var(--_fg); text-align: start; text-decoration: none;
  font-size: 0.95rem; line-height: 1.45;
}
.moment:hover { background: var(--_soft); border-color: color-mix(in srgb, var(--_accent) 25%, transparent); }
.moment.playing { background: var(--_soft-strong); border-color: var(--_accent); }
.time {
  flex: none; display: inline-flex; align-items: center; gap: 0.35em; min-width: 4.6em;
  padding: 0.05em 0.55em; border-radius: 999px; background: var(--_accent); color: var(--_on-accent);
  font-size: 0.82rem; font-weight: 600; font-variant-numeric: tabular-nums; white-space: nowrap;
}
.time svg { width: 0.7em; height: 0.7em; fill: currentColor; }
.time.untimed { background: var(--_muted); }
.snippet { flex: 1; min-width: 0; overflow-wrap: anywhere; }
.who { font-weight: 600; }
.chapter-label { font-weight: 600; color: var(--_accent); }
mark { background: var(--_mark); color: var(--_mark-fg); padding: 0 0.12em; border-radius: 3px; }
.watch { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem 0.75rem; margin: 0.7rem 0 0; font-size: 0.9rem; }
.watch-note { color: var(--_muted); }
.watch-btn {
  display: inline-flex; align-items: center; gap: 0.4em; padding: 0.2rem 0.8rem;
  border: 1.5px solid var(--_accent); border-radius: 999px; background: var(--_bg);
  color: var(--_accent); font-weight: 600; font-size: 0.85rem; text-decoration: none;
}
.watch-btn svg { width: 0.7em; height: 0.7em; fill: currentColor; }
.watch-btn:hover, .watch-btn.playing { background: var(--_soft-strong); }
.examples { display: flex; flex-wrap: wrap; align-items: center; gap: 0.4rem; margin: 0 0.15rem; color: var(--_muted); font-size: 0.9rem; }
.example {
  padding: 0.15rem 0.75rem; border: 1px solid var(--_border); border-radius: 999px;
  background: var(--_surface); color: var(--_fg); font-size: 0.88rem;
}
.example:hover { border-color: var(--_accent); color: var(--_accent); }
.player { margin: 0.7rem 0 0.1rem; }
.frame {
  position: relative; width: 100%; aspect-ratio: 16 / 9; background: #000;
  border-radius: calc(var(--_radius) - 4px); overflow: hidden;
}
.frame iframe { position: absolute; inset: 0; width: 100%; height: 100%; border: 0; }
.player-bar {
  display: flex; flex-wrap: wrap; gap: 0.4rem 1rem; align-items: center; justify-content: space-between;
  margin-top: 0.4rem; font-size: 0.86rem; color: var(--_muted);
}
.close {
  border: 1px solid var(--_border); border-radius: 999px; padding: 0.1rem 0.75rem;
  background: var(--_bg); color: var(--_fg); font-size: 0.85rem;
}
.close:hover { border-color: var(--_accent); }
.also { margin: 0.7rem 0 0; font-size: 0.88rem; color: var(--_muted); }
.also-label { font-weight: 600; color: var(--_fg); margin-inline-end: 0.3em; }

/* Scope, toolbar and facets */
.scope { margin: 0.5rem 0.15rem 0; color: var(--_muted); font-size: 0.9rem; }
.scope strong { color: var(--_fg); font-weight: 600; }
.toolbar {
  display: flex; flex-wrap: wrap; align-items: center; gap: 0.5rem 1rem;
  margin: 0.75rem 0.15rem 0; font-size: 0.92rem;
}
.toolbar[hidden], .filters-btn[hidden] { display: none; }
.toolbar label { display: inline-flex; align-items: center; gap: 0.4em; cursor: pointer; }
.toolbar input[type="checkbox"], .facet input { accent-color: var(--_accent); width: 1.05em; height: 1.05em; margin: 0; }
select {
  font: inherit; font-size: 0.92rem; padding: 0.2rem 0.4rem; color: var(--_fg); background: var(--_bg);
  border: 1.5px solid var(--_field-border); border-radius: calc(var(--_radius) - 4px);
}
.filters-btn, .chip, .sheet-close, .sheet-done {
  font-size: 0.9rem; padding: 0.25rem 0.8rem; border-radius: 999px;
  border: 1.5px solid var(--_field-border); background: var(--_bg); color: var(--_fg);
}
.filters-btn:hover, .chip:hover { border-color: var(--_accent); color: var(--_accent); }
.layout { display: block; }
.side { display: none; }
.facets { display: grid; gap: 1rem; align-content: start; }
.facets[aria-busy="true"] { opacity: 0.6; transition: opacity 0.2s 0.15s; }
.facet { margin: 0; padding: 0; border: 0; min-width: 0; }
.facet legend { padding: 0; margin-bottom: 0.3rem; font-weight: 650; font-size: 0.92rem; color: var(--_fg); }
.facet ul { list-style: none; margin: 0; padding: 0; display: grid; gap: 0.15rem; }
.facet label {
  display: flex; align-items: baseline; gap: 0.45em; cursor: pointer; font-size: 0.9rem;
  padding: 0.1rem 0.2rem; border-radius: 4px; overflow-wrap: anywhere;
}
.facet label:hover { background: var(--_soft); }
.facet input { flex: none; align-self: center; }
.facet .label { flex: 1; min-width: 0; }
.facet .count { flex: none; color: var(--_muted); font-size: 0.82rem; font-variant-numeric: tabular-nums; }
.facet .more { margin: 0.2rem 0 0 0.2rem; color: var(--_muted); font-size: 0.82rem; }
.chips { display: flex; flex-wrap: wrap; gap: 0.4rem; margin: 0.6rem 0 0; justify-content: center; }
@container (min-width: 44rem) {
  .layout.with-facets { display: grid; grid-template-columns: 12.5rem minmax(0, 1fr); gap: 1.25rem; }
  .layout.with-facets .side { display: block; }
  .filters-btn { display: none; }
}
dialog.sheet {
  margin: auto 0 0; width: 100%; max-width: 100%; max-height: 85vh; padding: 0;
  border: 0; border-radius: 16px 16px 0 0; color: var(--_fg); background: var(--_bg);
  font-family: var(--_font); box-shadow: 0 -8px 32px rgb(0 0 0 / 25%);
}
dialog.sheet::backdrop { background: rgb(10 12 20 / 45%); }
.sheet-head {
  position: sticky; top: 0; display: flex; align-items: center; justify-content: space-between;
  padding: 0.8rem 1rem; background: var(--_bg); border-bottom: 1px solid var(--_border);
}
.sheet-title { margin: 0; font-weight: 700; font-size: 1.05rem; }
.sheet-body { padding: 0.9rem 1rem 1.2rem; }
.sheet-foot { position: sticky; bottom: 0; padding: 0.7rem 1rem; background: var(--_bg); border-top: 1px solid var(--_border); }
.sheet-done { width: 100%; padding: 0.55rem; border: 0; background: var(--_accent); color: var(--_on-accent); font-weight: 600; }

/* Paging */
.pager {
  display: flex; align-items: center; justify-content: space-between; gap: 1rem;
  margin: 1rem 0 0.2rem;
}
.pager[hidden] { display: none; }
.page-info { color: var(--_muted); font-size: 0.9rem; }
.page-btn {
  padding: 0.45rem 1rem; border: 1.5px solid var(--_border); border-radius: var(--_radius);
  background: var(--_bg); color: var(--_fg); font-weight: 600; font-size: 0.92rem;
}
.page-btn:hover:not(:disabled) { border-color: var(--_accent); color: var(--_accent); }
.page-btn:disabled { opacity: 0.4; cursor: default; }
@media (max-width: 30rem) {
  .moment { flex-direction: column; gap: 0.25rem; }
  .submit { padding: 0 0.9rem; }
}
`;

    // One stylesheet object shared by every instance, where the browser can adopt it: a
    // constructed sheet is not an inline <style>, so a strict Content-Security-Policy
    // (style-src without 'unsafe-inline') lets it through.
    let sharedSheet = null;
    function applyStyles(root) {
        if (root.adoptedStyleSheets !== undefined && typeof CSSStyleSheet === 'function') {
            try {
                if (!sharedSheet) {
                    sharedSheet = new CSSStyleSheet();
                    sharedSheet.replaceSync(CSS);
                }
                root.adoptedStyleSheets = [sharedSheet];
                return;
            } catch (e) {
                // Older engines: fall through to a <style> element.
            }
        }
        const style = document.createElement('style');
        style.textContent = CSS;
        root.appendChild(style);
    }

    // el('li', {class: 'x', part: 'y'}, child, 'text', ...): elements from trusted tag and
    // attribute names; children that are strings become text nodes.
    function el(tag, attrs, ...children) {
        const node = document.createElement(tag);
        if (attrs) {
            for (const [name, value] of Object.entries(attrs)) {
                if (value === null || value === undefined || value === false) continue;
                node.setAttribute(name, value === true ? '' : String(value));
            }
        }
        for (const child of children) {
            if (child === null || child === undefined || child === false) continue;
            node.append(typeof child === 'string' ? document.createTextNode(child) : child);
        }
        return node;
    }

    const SVG_NS = 'http://www.w3.org/2000/svg';
    function svgIcon(pathData, viewBox) {
        const svg = document.createElementNS(SVG_NS, 'svg');
        svg.setAttribute('viewBox', viewBox || '0 0 24 24');
        svg.setAttribute('aria-hidden', 'true');
        svg.setAttribute('focusable', 'false');
        svg.setAttribute('class', 'ts-icon');
        const path = document.createElementNS(SVG_NS, 'path');
        path.setAttribute('d', pathData);
        svg.appendChild(path);
        return svg;
    }
    const searchIcon = () => {
        const svg = svgIcon('M10.5 3a7.5 7.5 0 0 1 5.96 12.05l4.75 4.74-1.42 1.42-4.74-4.75A7.5 7.5 0 1 1 10.5 3Zm0 2a5.5 5.5 0 1 0 0 11 5.5 5.5 0 0 0 0-11Z');
        svg.setAttribute('fill', 'currentColor');
        return svg;
    };
    const playIcon = () => svgIcon('M2 1.5v9l8-4.5z', '0 0 12 12');

    // The entities the server's escaper writes, plus any numeric reference.
    const NAMED_ENTITIES = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\u00a0' };
    function decodeEntities(text) {
        return text.replace(/&(#[xX][0-9a-fA-F]{1,6}|#[0-9]{1,7}|[a-zA-Z]+);/g, (whole, ref) => {
            if (ref[0] === '#') {
                const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
                if (!Number.isFinite(code) || code < 1 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff)) return whole;
                return String.fromCodePoint(code);
            }
            const named = NAMED_ENTITIES[ref.toLowerCase()];
            return named === undefined ? whole : named;
        });
    }

    // A snippet as nodes: the API's `html` is escaped text with matched words in
    // <mark>...</mark>. Only that structure is read; everything else becomes text.
    function snippetNodes(moment) {
        const html = typeof moment.html === 'string' ? moment.html : null;
        if (html === null) return [document.createTextNode(String(moment.text || ''))];
        const nodes = [];
        const re = /<mark>([\s\S]*?)<\/mark>/g;
        let last = 0;
        let m;
        while ((m = re.exec(html)) !== null) {
            if (m.index > last) nodes.push(document.createTextNode(decodeEntities(html.slice(last, m.index))));
            const mark = document.createElement('mark');
            mark.textContent = decodeEntities(m[1]);
            nodes.push(mark);
            last = re.lastIndex;
        }
        if (last < html.length) nodes.push(document.createTextNode(decodeEntities(html.slice(last))));
        return nodes;
    }

    // An http(s) URL from the API, or null: a javascript: or data: URL never becomes a link.
    function safeUrl(value) {
        if (typeof value !== 'string' || value === '') return null;
        try {
            const url = new URL(value);
            return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : null;
        } catch (e) {
            return null;
        }
    }

    // "754", "754s", "12m34s", "1h2m3s", "12:34" -> seconds, or null.
    function parseSeconds(value) {
        if (value === null || value === undefined) return null;
        const s = String(value).trim();
        let m = /^(\d+)(?:\.\d+)?s?$/.exec(s);
        if (m) return parseInt(m[1], 10);
        m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(s);
        if (m && (m[1] || m[2] || m[3])) {
            return (parseInt(m[1] || '0', 10) * 3600) + (parseInt(m[2] || '0', 10) * 60) + parseInt(m[3] || '0', 10);
        }
        m = /^(?:(\d+):)?(\d+):(\d{1,2})$/.exec(s);
        if (m) return (parseInt(m[1] || '0', 10) * 3600) + (parseInt(m[2], 10) * 60) + parseInt(m[3], 10);
        return null;
    }

    // The second a jump link starts at: its `t=`/`start=` parameter or `#t=` fragment
    // (these include the offset of a talk cut from a longer recording), else jump_ms.
    function linkSecond(url, jumpMs) {
        if (url) {
            const fromQuery = parseSeconds(url.searchParams.get('t')) ?? parseSeconds(url.searchParams.get('start'));
            if (fromQuery !== null) return fromQuery;
            const frag = /(?:^|&)t=([^&,]+)/.exec(url.hash.replace(/^#/, ''));
            if (frag) {
                const fromHash = parseSeconds(frag[1]);
                if (fromHash !== null) return fromHash;
            }
        }
        return Number.isFinite(jumpMs) && jumpMs > 0 ? Math.floor(jumpMs / 1000) : 0;
    }

    // The players the widget embeds: a result's `embed_url` (the server reads video URLs,
    // core/video_url.h) when it is one of these exactly; any other video opens as a link.
    const PLAYERS = [
        { pattern: /^https:\/\/www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{11}$/, kind: 'youtube', host: 'YouTube',
            src: (embed, second) => `${embed}?start=${second}&autoplay=1&rel=0` },
        { pattern: /^https:\/\/player\.vimeo\.com\/video\/\d{1,15}$/, kind: 'vimeo', host: 'Vimeo',
            src: (embed, second) => `${embed}?autoplay=1#t=${second}s` },
    ];

    // How to play a link: {kind: 'youtube'|'vimeo', embed, second, host} for an inline
    // player (the talk's embedUrl, from the link's second), else {kind: 'link', href}
    // (opened in a new tab), or null without a usable URL.
    function playbackFor(link, jumpMs, embedUrl) {
        if (!link || typeof link !== 'object') return null;
        const href = safeUrl(link.url);
        const timed = href || safeUrl(link.clip_url);
        const player = typeof embedUrl === 'string' && PLAYERS.find((p) => p.pattern.test(embedUrl));
        if (player && timed) {
            const second = linkSecond(new URL(timed), jumpMs);
            return { kind: player.kind, host: player.host, second, href, embed: player.src(embedUrl, second) };
        }
        return href ? { kind: 'link', href } : null;
    }

    function clock(seconds) {
        const s = Math.max(0, Math.floor(seconds));
        const h = Math.floor(s / 3600);
        const mm = Math.floor((s % 3600) / 60);
        const ss = String(s % 60).padStart(2, '0');
        return h ? `${h}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
    }

    // Formatters are slow to make: one each, made when first needed.
    let dateFormat = null;
    function formatDate(iso) {
        const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(String(iso || ''));
        if (!m) return null;
        const date = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
        try {
            if (!dateFormat) dateFormat = new Intl.DateTimeFormat(undefined, { year: 'numeric', month: 'short', day: 'numeric', timeZone: 'UTC' });
            return dateFormat.format(date);
        } catch (e) {
            return iso;
        }
    }

    function formatDuration(seconds) {
        if (!Number.isFinite(seconds) || seconds <= 0) return null;
        const minutes = Math.round(seconds / 60);
        if (minutes < 60) return `${Math.max(minutes, 1)} min`;
        return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
    }

    // Smooth scrolling, unless the reader asked for less motion.
    const scrollBehavior = () => (window.matchMedia && window.matchMedia('(prefers-reduced-motion: reduce)').matches ? 'auto' : 'smooth');

    const plural = (n, one, many) => `${n.toLocaleString()} ${n === 1 ? one : many}`;
    const str = (v) => (typeof v === 'string' ? v : v === null || v === undefined ? '' : String(v));

    // The facets the API counts (docs/JSON.md, `facets`), in the order they are shown. A year
    // takes one value (the API's `year` is not repeatable); the others any number.
    const FACETS = [
        { name: 'event', legend: 'Event', multi: true },
        { name: 'year', legend: 'Year', multi: false },
        { name: 'speaker', legend: 'Speaker', multi: true },
        { name: 'language', legend: 'Language', multi: true },
    ];
    const emptyFilters = () => ({ event: [], year: [], speaker: [], language: [] });
    // Results as you type: a search starts this long after the last key, or sooner when the
    // query just grew by one character (typing on: the likely last key of a word is as likely
    // as any other, and the server answers in milliseconds). Enter searches at once.
    const TYPING_DELAY_MS = 200;
    const TYPING_ON_DELAY_MS = 40;
    const FACETS_AFTER_TYPING_MS = 300;

    let languageNames = null;
    function languageName(tag) {
        try {
            if (!languageNames) languageNames = new Intl.DisplayNames([navigator.language || 'en', 'en'], { type: 'language' });
            const name = languageNames.of(tag);
            return name && name !== tag ? name : tag;
        } catch (e) {
            return tag;
        }
    }

    // Is `node` a field the reader types in (where "/" is a character, not a shortcut)?
    function isTextField(node) {
        if (!node || node.nodeType !== 1) return false;
        if (node.isContentEditable) return true;
        const tag = node.tagName;
        if (tag === 'TEXTAREA' || tag === 'SELECT') return true;
        if (tag !== 'INPUT') return false;
        return !/^(button|checkbox|radio|submit|reset|range|color|file|image)$/i.test(node.type);
    }

    class TalkSearch extends HTMLElement {
        static get observedAttributes() {
            return ['placeholder', 'query', 'event', 'year', 'scope-label'];
        }

        constructor() {
            super();
            this._query = '';
            this._offset = 0;
            this._filters = emptyFilters();
            this._spoken = false;
            this._sort = 'relevance';
            this._controller = null;
            this._player = null;
            this._seq = 0;
            this._timer = null;
            this._typed = '';
            this._labels = new Map();
            this._eventTitles = new Map();
            this._onDocumentKey = (event) => this._shortcut(event);
            const root = this.attachShadow({ mode: 'open', delegatesFocus: true });
            applyStyles(root);
            this._build(root);
        }

        _build(root) {
            const id = `ts-${Math.random().toString(36).slice(2, 9)}`;
            this._id = id;
            this._input = el('input', {
                id: `${id}-q`, type: 'search', name: 'q', part: 'input', autocomplete: 'off',
                spellcheck: 'false', enterkeyhint: 'search', 'aria-describedby': `${id}-status`,
                placeholder: this.getAttribute('placeholder') || 'Search what was said in the talks',
            });
            this._form = el('form', { role: 'search', part: 'form', 'aria-label': 'Search talks' },
                el('label', { for: `${id}-q`, class: 'sr-only' }, 'Search talks'),
                el('div', { class: 'box' },
                    el('span', { class: 'icon' }, searchIcon()),
                    this._input,
                    el('button', { type: 'submit', class: 'submit', part: 'button' }, 'Search')));
            this._form.addEventListener('submit', (event) => {
                event.preventDefault();
                this._start(this._input.value, 0, 'submit');
            });
            this._input.addEventListener('input', () => this._onInput());
            this._scope = el('p', { class: 'scope', part: 'scope', hidden: true });

            // The toolbar: filters (a sheet on a narrow widget), "said in the talk", sort.
            this._filtersButton = el('button', { type: 'button', class: 'filters-btn', 'aria-haspopup': 'dialog', hidden: true }, 'Filters');
            this._spokenBox = el('input', { type: 'checkbox', id: `${id}-spoken` });
            this._sortSelect = el('select', { id: `${id}-sort` },
                el('option', { value: 'relevance' }, 'Best match'), el('option', { value: 'date' }, 'Newest'));
            this._toolbar = el('div', { class: 'toolbar', part: 'toolbar', hidden: true },
                this._filtersButton,
                el('label', { for: `${id}-spoken` }, this._spokenBox, 'Said in the talk'),
                el('label', { for: `${id}-sort` }, 'Sort', this._sortSelect));
            this._spokenBox.addEventListener('change', () => {
                this._spoken = this._spokenBox.checked;
                this._start(this._query, 0, 'filter');
            });
            this._sortSelect.addEventListener('change', () => {
                this._sort = this._sortSelect.value === 'date' ? 'date' : 'relevance';
                this._start(this._query, 0, 'filter');
            });

            this._status = el('p', { id: `${id}-status`, class: 'status', part: 'status', role: 'status', 'aria-live': 'polite' });
            this._extra = el('div', { class: 'extra' });
            this._results = el('ol', { class: 'results', part: 'results', tabindex: '-1', 'aria-label': 'Talks' });
            this._prev = el('button', { type: 'button', class: 'page-btn', part: 'page-button' }, '\u2190 Previous');
            this._next = el('button', { type: 'button', class: 'page-btn', part: 'page-button' }, 'Next \u2192');
            this._pageInfo = el('span', { class: 'page-info' });
            this._pager = el('nav', { class: 'pager', 'aria-label': 'Result pages', hidden: true },
                this._prev, this._pageInfo, this._next);
            this._prev.addEventListener('click', () => this._page(-1));
            this._next.addEventListener('click', () => this._page(1));

            this._facets = el('div', { class: 'facets', part: 'facets' });
            this._side = el('div', { class: 'side', role: 'group', 'aria-label': 'Filters' }, this._facets);
            this._layout = el('div', { class: 'layout' }, this._side,
                el('div', { class: 'main' }, this._results, this._pager));

            // The sheet: the same facets, moved into a modal dialog while it is open.
            this._sheetBody = el('div', { class: 'sheet-body' });
            const close = el('button', { type: 'button', class: 'sheet-close' }, 'Close');
            this._sheetDone = el('button', { type: 'button', class: 'sheet-done' }, 'Show the talks');
            this._sheet = el('dialog', { class: 'sheet', part: 'sheet', 'aria-labelledby': `${id}-sheet-title` },
                el('div', { class: 'sheet-head' }, el('p', { class: 'sheet-title', id: `${id}-sheet-title` }, 'Filters'), close),
                this._sheetBody,
                el('div', { class: 'sheet-foot' }, this._sheetDone));
            close.addEventListener('click', () => this._sheet.close());
            this._sheetDone.addEventListener('click', () => this._sheet.close());
            this._sheet.addEventListener('close', () => {
                this._side.append(this._facets);
                this._filtersButton.focus();
            });
            this._filtersButton.addEventListener('click', () => {
                this._sheetBody.append(this._facets);
                if (typeof this._sheet.showModal === 'function') this._sheet.showModal();
            });

            root.addEventListener('keydown', (event) => this._key(event));
            root.append(this._form, this._scope, this._toolbar, this._status, this._extra, this._layout, this._sheet);
        }

        connectedCallback() {
            if (this.hasAttribute('shortcuts')) document.addEventListener('keydown', this._onDocumentKey);
            this._showScope();
            this._fetchScopeTitles();
            const q = this.getAttribute('query');
            if (q && !this._query && !this._controller) this.search(q, 0);
            else if (!this._query) this._showExamples();
        }

        disconnectedCallback() {
            document.removeEventListener('keydown', this._onDocumentKey);
            clearTimeout(this._timer);
            if (this._controller) this._controller.abort();
        }

        attributeChangedCallback(name, oldValue, value) {
            if (name === 'placeholder' && this._input) {
                this._input.placeholder = value || 'Search what was said in the talks';
            } else if (name === 'query' && this.isConnected && value && value !== this._query) {
                this.search(value, 0);
            } else if (this._scope) {
                this._showScope();
                if (name === 'event' && this.isConnected) this._fetchScopeTitles();
            }
        }

        // While nothing was searched: the `examples` attribute's queries as buttons.
        _showExamples() {
            const examples = str(this.getAttribute('examples')).split(',').map((e) => e.trim()).filter(Boolean).slice(0, 8);
            if (!examples.length) return;
            const row = el('p', { class: 'examples', part: 'examples' }, 'Try');
            for (const example of examples) {
                const button = el('button', { type: 'button', class: 'example' }, example);
                button.addEventListener('click', () => this._start(example, 0, 'submit'));
                row.append(button);
            }
            this._extra.replaceChildren(row);
        }

        // "Searching PyCon US 2019": what the `event` and `year` attributes restrict it to.
        _showScope() {
            const events = this._scopeEvents();
            const year = str(this.getAttribute('year')).trim();
            let label = str(this.getAttribute('scope-label')).trim();
            if (!label && events.length) label = events.map((e) => this._eventTitles.get(e) || e).join(', ');
            if (year && !(events.length && label.includes(year))) {
                const span = year.replace('..', '\u2013');
                label = label ? `${label}, ${span}` : `talks of ${span}`;
            }
            this._scope.hidden = !label;
            this._scope.replaceChildren('Searching ', el('strong', null, label));
        }

        // The titles of the `event` attribute's events, for the scope line: a search of the
        // filter alone (no words) counts the events' talks, with each event's title.
        _fetchScopeTitles() {
            const events = this._scopeEvents().filter((e) => !this._eventTitles.has(e));
            if (!events.length || this.getAttribute('scope-label')) return;
            const params = new URLSearchParams({ limit: '0', moments: '0', facets: '1' });
            for (const event of events) params.append('event', event);
            this._fetchJson(this._apiUrl(params)).then((body) => {
                const values = body.facets && body.facets.event && Array.isArray(body.facets.event.values) ? body.facets.event.values : [];
                for (const v of values) if (v && str(v.value) && str(v.label)) this._eventTitles.set(str(v.value), str(v.label));
                this._showScope();
            }, () => {});
        }

        _scopeEvents() {
            return str(this.getAttribute('event')).split(',').map((e) => e.trim()).filter(Boolean);
        }

        // A facet the attributes fix (`event`, `year`) is not offered.
        _facetOffered(name) {
            if (name === 'event') return this._scopeEvents().length === 0;
            if (name === 'year') return !str(this.getAttribute('year')).trim();
            return true;
        }

        get _facetsOn() {
            return this.hasAttribute('facets');
        }

        /// The query last searched.
        get query() {
            return this._query;
        }

        /// The search as URL parameters named as the API's: q, event, speaker, language (each
        /// repeatable), year, spoken=1, sort=date, page (from 2).
        get state() {
            const params = new URLSearchParams();
            if (this._query) params.set('q', this._query);
            for (const { name } of FACETS) for (const value of this._filters[name]) params.append(name, value);
            if (this._spoken) params.set('spoken', '1');
            if (this._sort === 'date') params.set('sort', 'date');
            const page = Math.floor(this._offset / this._limit) + 1;
            if ((this._query || this._filtered) && page > 1) params.set('page', String(page));
            return params;
        }

        // True when a facet value is chosen: a search of the filters alone runs without words
        // (a talk page links a speaker to /?speaker=NAME).
        get _filtered() {
            return FACETS.some(({ name }) => this._filters[name].length > 0);
        }

        /// Runs the search `params` describe (URLSearchParams, a query string, or an object of
        /// the names of `state`); the event it fires says `source: 'restore'`.
        setState(params, source = 'restore') {
            const p = params instanceof URLSearchParams ? params : new URLSearchParams(params || '');
            const filters = emptyFilters();
            for (const { name, multi } of FACETS) {
                const values = [...new Set(p.getAll(name).map((v) => v.trim()).filter(Boolean))];
                filters[name] = multi ? values.slice(0, 20) : values.slice(0, 1);
            }
            this._filters = filters;
            this._spoken = /^(1|true|on|yes)$/i.test(p.get('spoken') || '');
            this._sort = p.get('sort') === 'date' ? 'date' : 'relevance';
            const page = Math.max(1, Math.min(1000, parseInt(p.get('page') || '1', 10) || 1));
            return this._start(p.get('q') || '', (page - 1) * this._limit, source);
        }

        get _limit() {
            const n = parseInt(this.getAttribute('limit') || '', 10);
            return Number.isFinite(n) && n > 0 ? Math.min(n, 50) : 10;
        }

        get _headingLevel() {
            const n = parseInt(this.getAttribute('heading-level') || '', 10);
            return Number.isFinite(n) ? Math.min(6, Math.max(2, n)) : 2;
        }

        // The server: `src` resolved against the page, with a trailing slash so a server behind
        // a path prefix (https://example.org/talks) keeps it.
        _base() {
            const src = this.getAttribute('src') || SCRIPT_URL || document.baseURI;
            const base = new URL(src, document.baseURI);
            if (!/\/$/.test(base.pathname) && !/\.js$/.test(base.pathname)) base.pathname += '/';
            return base;
        }

        _apiUrl(params) {
            const url = new URL('api/v1/search', this._base());
            url.search = params.toString();
            return url;
        }

        // The talk's own page on the server: /talk/<event>/<slug>?t=SECONDS&q=QUERY.
        _talkUrl(id, second) {
            const path = id.split('/').map(encodeURIComponent).join('/');
            const url = new URL(`talk/${path}`, this._base());
            url.searchParams.set('t', String(Math.max(0, second | 0)));
            if (this._query) url.searchParams.set('q', this._query);
            return url.href;
        }

        /// Searches for `query` (the filters chosen stay) and shows the talks from `offset` on.
        search(query, offset = 0) {
            return this._start(query, offset, 'script');
        }

        // Every search goes through here. `source` (in the `talk-search` event) says why:
        // 'typing', 'submit', 'filter', 'page', 'restore', 'clear' or 'script'.
        _start(query, offset, source) {
            clearTimeout(this._timer);
            this._timer = null;
            const q = str(query).trim();
            if (source !== 'typing' || this._input.value.trim() !== q) this._input.value = q;
            this._typed = q;
            this._spokenBox.checked = this._spoken;
            this._sortSelect.value = this._sort;
            if (this._controller) this._controller.abort();
            this._controller = null;
            this._closePlayer();
            this._query = q;
            const filtered = this._filtered;
            this._offset = q || filtered ? Math.max(0, offset | 0) : 0;
            this.dispatchEvent(new CustomEvent('talk-search', {
                bubbles: true, composed: true,
                detail: { query: q, offset: this._offset, page: Math.floor(this._offset / this._limit) + 1, source, state: this.state.toString() },
            }));
            if (!q && !filtered) {
                ++this._seq;
                this._clear();
                this._setStatus([]);
                this._toolbar.hidden = true;
                this._showFacets(null);
                this._showExamples();
                return Promise.resolve(null);
            }
            return this._run(source === 'page', source === 'typing');
        }

        _onInput() {
            const q = this._input.value.trim();
            // A space typed after a word changes nothing: the search waiting for it still runs.
            if (q === this._typed) return;
            clearTimeout(this._timer);
            if (!q) {
                this._start('', 0, 'typing');
                return;
            }
            const typingOn = q.length === this._typed.length + 1 && q.startsWith(this._typed);
            const fixed = parseInt(this.getAttribute('debounce') || '', 10);
            const delay = Number.isFinite(fixed) && fixed >= 0 ? fixed : typingOn ? TYPING_ON_DELAY_MS : TYPING_DELAY_MS;
            this._typed = q;
            this._timer = setTimeout(() => this._start(q, 0, 'typing'), delay);
        }

        _setFilter(name, value, on) {
            const facet = FACETS.find((f) => f.name === name);
            if (!facet) return null;
            const values = this._filters[name].filter((v) => v !== value);
            if (on) values.push(value);
            this._filters[name] = facet.multi ? values : values.slice(-1);
            return this._start(this._query, 0, 'filter');
        }

        _page(direction) {
            if (!this._query) return null;
            return this._start(this._query, Math.max(0, this._offset + direction * this._limit), 'page');
        }

        // "/" and Ctrl-K (Cmd-K) anywhere on the page focus the box, except in another field.
        _shortcut(event) {
            if (event.defaultPrevented || event.altKey) return;
            const slash = event.key === '/' && !event.ctrlKey && !event.metaKey;
            const k = (event.key === 'k' || event.key === 'K') && (event.ctrlKey || event.metaKey) && !event.shiftKey;
            if (!slash && !k) return;
            const target = event.composedPath()[0];
            if (target === this._input) {
                if (k) event.preventDefault();
                return;
            }
            if (isTextField(target)) return;
            event.preventDefault();
            this._input.focus();
            this._input.select();
        }

        // Keys inside the widget: Escape clears, the arrows move through the moments.
        _key(event) {
            if (event.altKey || event.ctrlKey || event.metaKey) return;
            const target = event.composedPath()[0];
            if (this._sheet.contains(target)) return;
            if (event.key === 'Escape') {
                if (!this._query && !this._input.value) return;
                event.preventDefault();
                this._start('', 0, 'clear');
                this._input.focus();
                return;
            }
            if (event.key !== 'ArrowDown' && event.key !== 'ArrowUp') return;
            const moments = [...this._results.querySelectorAll('a.moment, button.moment')];
            if (!moments.length) return;
            const down = event.key === 'ArrowDown';
            if (target === this._input) {
                if (!down) return;
                event.preventDefault();
                moments[0].focus();
                return;
            }
            const i = moments.indexOf(target);
            if (i < 0) return;
            event.preventDefault();
            if (!down && i === 0) this._input.focus();
            else moments[Math.min(moments.length - 1, down ? i + 1 : i - 1)].focus({ preventScroll: false });
        }

        // The API's parameters for the current search: its page of talks, or (`counts`) its facet
        // counts alone, with `without` the facet whose filter is left out (its counts as if
        // nothing were chosen in it, so a second value can be added).
        _apiParams(counts, without) {
            const params = new URLSearchParams({
                q: this._query,
                limit: String(counts ? 0 : this._limit),
                offset: String(counts ? 0 : this._offset),
                moments: String(counts ? 0 : MOMENTS_PER_TALK),
            });
            for (const event of this._scopeEvents()) params.append('event', event);
            const year = str(this.getAttribute('year')).trim();
            if (year) params.set('year', year);
            for (const { name } of FACETS) {
                if (name === without || !this._facetOffered(name)) continue;
                for (const value of this._filters[name]) params.append(name, value);
            }
            if (this._spoken) params.set('spoken', '1');
            if (this._sort === 'date' && !counts) params.set('sort', 'date');
            if (counts) params.set('facets', '1');
            return params;
        }

        async _fetchJson(url, signal) {
            const response = await fetch(url, { signal, headers: { Accept: 'application/json' }, credentials: 'omit' });
            let body = null;
            try {
                body = await response.json();
            } catch (e) {
                body = null;
            }
            if (!response.ok || !body || typeof body !== 'object') {
                const message = body && (str(body.error && body.error.message) || str(body.error) || str(body.message));
                throw new Error(message || `the server answered ${response.status}`);
            }
            return body;
        }

        // The talks first, then (with `facets`) the counts: counting every match costs the server
        // more than a page of talks, so the talks are not kept waiting for it.
        async _run(moveFocus = false, quiet = false) {
            const seq = ++this._seq;
            const controller = new AbortController();
            this._controller = controller;
            const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
            const requestStart = performance.now();
            // While typing, the results fade (aria-busy) but the live region stays quiet: it
            // announces the count when they come, not a "Searching" per key.
            if (!quiet) this._setStatus([el('span', { class: 'spinner', 'aria-hidden': 'true' }), 'Searching\u2026']);
            this._status.classList.remove('error');
            this._results.setAttribute('aria-busy', 'true');
            let data;
            try {
                data = await this._fetchJson(this._apiUrl(this._apiParams(false, null)), controller.signal);
            } catch (error) {
                if (seq !== this._seq) return null;
                if (this._controller === controller) this._controller = null;
                this._results.removeAttribute('aria-busy');
                const reason = controller.signal.aborted ? 'the server took too long to answer' : str(error && error.message) || 'unknown error';
                this._showError(reason);
                return null;
            } finally {
                clearTimeout(timer);
            }
            if (seq !== this._seq) return null;
            const responseEnd = performance.now();
            this._results.removeAttribute('aria-busy');
            this._render(data);
            const renderEnd = performance.now();
            if (moveFocus) {
                this._results.focus({ preventScroll: true });
                this.scrollIntoView({ block: 'start', behavior: scrollBehavior() });
            }
            // For pages and benchmarks: the results are in the DOM (painted at the next frame).
            if (performance.mark) performance.mark('talk-search-results');
            this.dispatchEvent(new CustomEvent('talk-search-results', {
                bubbles: true, composed: true,
                detail: {
                    query: this._query, total: Number.isFinite(data.total) ? data.total : 0,
                    state: this.state.toString(), requestStart, responseEnd, renderEnd,
                },
            }));
            if (this._facetsOn) {
                // While typing, the counts wait for a pause: the server then counts the query
                // the reader stopped at, not each prefix of it (which would slow the next page).
                this._facets.setAttribute('aria-busy', 'true');
                if (quiet) await new Promise((resolve) => setTimeout(resolve, FACETS_AFTER_TYPING_MS));
                if (seq === this._seq) await this._count(seq, controller);
            } else if (this._controller === controller) {
                this._controller = null;
            }
            return data;
        }

        // The facet counts of the current search; a facet with a value chosen is counted again
        // without its own filter, in parallel. A new search aborts them (the same controller).
        async _count(seq, controller) {
            const timer = setTimeout(() => controller.abort(), FETCH_TIMEOUT_MS);
            this._facets.setAttribute('aria-busy', 'true');
            const names = [null, ...FACETS.filter(({ name }) => this._filters[name].length && this._facetOffered(name)).map((f) => f.name)];
            const bodies = await Promise.all(names.map((name) =>
                this._fetchJson(this._apiUrl(this._apiParams(true, name)), controller.signal).catch(() => null)));
            clearTimeout(timer);
            if (seq !== this._seq) return;
            if (this._controller === controller) this._controller = null;
            this._facets.removeAttribute('aria-busy');
            const base = bodies[0] && bodies[0].facets && typeof bodies[0].facets === 'object' ? { ...bodies[0].facets } : null;
            if (base) {
                names.forEach((name, i) => {
                    const other = bodies[i] && bodies[i].facets && bodies[i].facets[name];
                    if (name && other) base[name] = other;
                });
            }
            this._showFacets(base);
            this.dispatchEvent(new CustomEvent('talk-search-facets', { bubbles: true, composed: true, detail: { query: this._query } }));
        }

        _setStatus(nodes) {
            this._status.replaceChildren(...nodes.map((n) => (typeof n === 'string' ? document.createTextNode(n) : n)));
        }

        _clear() {
            this._results.replaceChildren();
            this._extra.replaceChildren();
            this._pager.hidden = true;
        }

        _showError(reason) {
            this._clear();
            this._status.classList.add('error');
            const retry = el('button', { type: 'button', class: 'retry' }, 'Try again');
            retry.addEventListener('click', () => this._run());
            this._setStatus([`Search is unavailable: ${reason}.`, retry]);
        }

        _label(name, value) {
            return this._labels.get(`${name}\u0000${value}`) || (name === 'language' ? languageName(value) : value);
        }

        // The facet groups, in the side column (a wide widget) or the sheet (a narrow one).
        _showFacets(facets) {
            const active = this.shadowRoot.activeElement;
            const focusKey = active && active.dataset && active.dataset.facet ? `${active.dataset.facet}\u0000${active.dataset.value}` : null;
            const groups = [];
            if (this._facetsOn && facets && typeof facets === 'object') {
                for (const { name, legend, multi } of FACETS) {
                    if (!this._facetOffered(name)) continue;
                    const facet = facets[name] && typeof facets[name] === 'object' ? facets[name] : {};
                    const values = (Array.isArray(facet.values) ? facet.values : [])
                        .filter((v) => v && typeof v === 'object' && str(v.value))
                        .map((v) => ({ value: str(v.value), label: str(v.label) || str(v.value), count: Number.isFinite(v.count) ? v.count : 0 }));
                    // Years read best in order, newest first (the API gives the most talks first).
                    if (name === 'year') values.sort((a, b) => b.value.localeCompare(a.value));
                    for (const v of values) {
                        this._labels.set(`${name}\u0000${v.value}`, name === 'language' ? languageName(v.value) : v.label);
                        if (name === 'event') this._eventTitles.set(v.value, v.label);
                    }
                    // A chosen value stays listed, even when no talk of this page of results has it.
                    for (const chosen of this._filters[name]) {
                        if (!values.some((v) => v.value === chosen)) values.unshift({ value: chosen, label: chosen, count: 0 });
                    }
                    if (!values.length) continue;
                    const list = el('ul');
                    const groupName = `${this._id}-${name}`;
                    if (!multi) {
                        const any = el('input', { type: 'radio', name: groupName, 'data-facet': name, 'data-value': '' });
                        any.checked = this._filters[name].length === 0;
                        any.addEventListener('change', () => {
                            this._filters[name] = [];
                            this._start(this._query, 0, 'filter');
                        });
                        list.append(el('li', null, el('label', null, any, el('span', { class: 'label' }, `Any ${legend.toLowerCase()}`))));
                    }
                    for (const v of values) {
                        const input = el('input', { type: multi ? 'checkbox' : 'radio', name: groupName, 'data-facet': name, 'data-value': v.value });
                        input.checked = this._filters[name].includes(v.value);
                        input.addEventListener('change', () => this._setFilter(name, v.value, multi ? input.checked : true));
                        const shown = name === 'language' ? languageName(v.value) : v.label;
                        list.append(el('li', null, el('label', null, input,
                            el('span', { class: 'label' }, shown),
                            el('span', { class: 'count' }, v.count.toLocaleString(), el('span', { class: 'sr-only' }, v.count === 1 ? ' talk' : ' talks')))));
                    }
                    const group = el('fieldset', { class: 'facet', part: 'facet' }, el('legend', null, legend), list);
                    const more = Number.isFinite(facet.other_values) ? facet.other_values : 0;
                    if (more > 0) group.append(el('p', { class: 'more' }, `and ${more.toLocaleString()} more`));
                    groups.push(group);
                }
            }
            this._facets.replaceChildren(...groups);
            this._layout.classList.toggle('with-facets', groups.length > 0);
            this._filtersButton.hidden = groups.length === 0;
            const chosen = FACETS.reduce((n, { name }) => n + (this._facetOffered(name) ? this._filters[name].length : 0), 0);
            this._filtersButton.textContent = chosen ? `Filters (${chosen})` : 'Filters';
            if (focusKey) {
                const again = [...this._facets.querySelectorAll('input')].find((i) => `${i.dataset.facet}\u0000${i.dataset.value}` === focusKey);
                if (again) again.focus({ preventScroll: true });
            }
        }

        _render(data) {
            const results = Array.isArray(data.results) ? data.results : [];
            const total = Number.isFinite(data.total) ? data.total : results.length;
            const limit = this._limit;
            const q = this._query;
            this._clear();
            this._toolbar.hidden = !this._facetsOn;

            for (const talk of results) {
                if (talk && typeof talk === 'object' && typeof talk.event === 'string' && typeof talk.event_title === 'string' && talk.event_title) {
                    this._eventTitles.set(talk.event, talk.event_title);
                }
            }
            if (!this._scope.hidden && this._scopeEvents().length) this._showScope();

            const quoted = el('strong', null, q ? `\u201c${q}\u201d` : 'the filters chosen');
            if (results.length === 0) {
                this._setStatus(total > 0 ? [`No more talks for `, quoted, '.'] : ['No talks match ', quoted, '.']);
            } else {
                const count = `${data.total_exact === false ? 'About ' : ''}${plural(total, 'talk', 'talks')}`;
                const pages = Math.max(1, Math.ceil(total / limit));
                const page = Math.floor(this._offset / limit) + 1;
                this._setStatus([el('strong', null, count), ` for `, quoted, pages > 1 ? ` \u00b7 page ${page} of ${pages}` : '']);
            }

            const suggestion = typeof data.suggestion === 'string' && data.suggestion && data.suggestion !== q ? data.suggestion : null;
            if (suggestion) {
                const button = el('button', { type: 'button', class: 'linkish', part: 'suggestion' }, suggestion);
                button.addEventListener('click', () => this._start(suggestion, 0, 'submit'));
                this._extra.append(el('p', { class: 'suggestion' }, 'Did you mean ', button, '?'));
            }
            const notices = Array.isArray(data.notices) ? data.notices.filter((n) => typeof n === 'string' && n) : [];
            // An index in shards, one of which could not be searched (docs/SCALING.md).
            if (data.partial === true) {
                const missing = Number.isFinite(data.shards_missing) ? data.shards_missing : 1;
                const shards = Number.isFinite(data.shards) ? data.shards : missing;
                notices.unshift(`Some results may be missing: ${missing} of ${shards} parts of the index could not be searched.`);
            }
            if (notices.length) this._extra.append(el('ul', { class: 'notices' }, ...notices.map((n) => el('li', null, n))));

            if (results.length === 0) {
                this._extra.append(this._emptyState(suggestion));
                if (this._offset > 0) this._showPager(total, results.length);
                return;
            }
            for (const talk of results) {
                if (talk && typeof talk === 'object') this._results.append(this._talk(talk));
            }
            this._showPager(total, results.length);
        }

        // No talk: what to click instead (the suggestion, each filter dropped).
        _emptyState(suggestion) {
            const filtered = this._offset === 0 && (this._spoken || FACETS.some(({ name }) => this._facetOffered(name) && this._filters[name].length));
            const box = el('div', { class: 'empty', part: 'empty' },
                el('p', null, el('strong', null, filtered ? 'No talk matches all of these filters.' : 'No talk said that, yet.')),
                el('p', null, filtered ? 'Drop a filter:' : 'Check the spelling, use fewer or more general words, or search a phrase in quotes.'));
            const chips = el('p', { class: 'chips' });
            if (suggestion) {
                const chip = el('button', { type: 'button', class: 'chip' }, `Search \u201c${suggestion}\u201d`);
                chip.addEventListener('click', () => this._start(suggestion, 0, 'submit'));
                chips.append(chip);
            }
            for (const { name, legend } of FACETS) {
                if (!this._facetOffered(name)) continue;
                for (const value of this._filters[name]) {
                    const chip = el('button', { type: 'button', class: 'chip' }, `\u00d7 ${legend}: ${this._label(name, value)}`);
                    chip.addEventListener('click', () => this._setFilter(name, value, false));
                    chips.append(chip);
                }
            }
            if (this._spoken) {
                const chip = el('button', { type: 'button', class: 'chip' }, '\u00d7 Said in the talk');
                chip.addEventListener('click', () => {
                    this._spoken = false;
                    this._start(this._query, 0, 'filter');
                });
                chips.append(chip);
            }
            if (chips.childNodes.length) box.append(chips);
            return box;
        }

        _showPager(total, shown) {
            const limit = this._limit;
            const hasNext = this._offset + shown < total && shown >= limit;
            const hasPrev = this._offset > 0;
            this._pager.hidden = !hasNext && !hasPrev;
            this._prev.disabled = !hasPrev;
            this._next.disabled = !hasNext;
            const from = this._offset + 1;
            this._pageInfo.textContent = shown ? `${from}\u2013${this._offset + shown} of ${total.toLocaleString()}` : '';
        }

        _talk(talk) {
            const title = str(talk.title) || 'Untitled talk';
            const page = safeUrl(talk.catalogue_url) || safeUrl(talk.video_url);
            const heading = el(`h${this._headingLevel}`, { class: 'title', part: 'title' },
                page ? el('a', { href: page, target: '_blank', rel: 'noopener noreferrer' }, title) : title);

            const meta = el('p', { class: 'meta', part: 'meta' });
            const speakers = Array.isArray(talk.speakers) ? talk.speakers.map(str).filter(Boolean) : [];
            if (speakers.length) meta.append(el('span', { class: 'speakers' }, speakers.join(', ')));
            const event = str(talk.event_title) || str(talk.event);
            if (event) meta.append(el('span', { class: 'event' }, event));
            const date = formatDate(talk.recorded);
            if (date) meta.append(el('time', { datetime: str(talk.recorded) }, date));
            const duration = formatDuration(talk.duration_s);
            if (duration) meta.append(el('span', null, duration));
            if (talk.captions === 'machine') meta.append(el('span', null, el('span', { class: 'badge', title: 'Captions made by speech recognition' }, 'auto captions')));

            // Spaces between the items: where a long line may wrap.
            for (const item of [...meta.children].slice(1)) meta.insertBefore(document.createTextNode(' '), item);
            const article = el('article', { class: 'talk', part: 'talk' }, heading, meta);
            const playerSlot = el('div', { class: 'player-slot' });
            const moments = Array.isArray(talk.moments) ? talk.moments.filter((m) => m && typeof m === 'object') : [];
            if (moments.length) {
                const list = el('ul', { class: 'moments', 'aria-label': `Moments in \u201c${title}\u201d` });
                for (const moment of moments) list.append(el('li', null, this._moment(talk, title, moment, playerSlot)));
                article.append(list);
            } else {
                const playback = playbackFor(talk.link, 0, talk.embed_url);
                const note = el('span', { class: 'watch-note' }, 'The words are in its title, speakers or description.');
                if (playback) {
                    const watch = this._playControl(playback, title, playerSlot, 'watch-btn', null,
                        [playIcon(), playback.kind === 'link' ? 'Watch \u2197' : 'Watch']);
                    article.append(el('p', { class: 'watch' }, watch, note));
                } else {
                    article.append(el('p', { class: 'watch' }, note));
                }
            }
            article.append(playerSlot);

            const others = Array.isArray(talk.other_recordings) ? talk.other_recordings.filter((r) => r && typeof r === 'object') : [];
            if (others.length) {
                const also = el('p', { class: 'also', part: 'also' }, el('span', { class: 'also-label' }, 'Also given at'));
                others.forEach((rec, i) => {
                    const name = str(rec.event_title) || str(rec.event) || 'another event';
                    const href = safeUrl(rec.catalogue_url) || safeUrl(rec.link && rec.link.url) || safeUrl(rec.video_url);
                    if (i > 0) also.append(', ');
                    also.append(href ? el('a', { href, target: '_blank', rel: 'noopener noreferrer' }, name) : name);
                    const year = /^(\d{4})/.exec(str(rec.recorded));
                    if (year && !name.includes(year[1])) also.append(` (${year[1]})`);
                });
                article.append(also);
            }
            return el('li', null, article);
        }

        // A moment: a link to the talk's page at the second the player starts from (copy,
        // middle-click, open in a new tab), which a plain click plays inline instead. The time
        // shown is that second, the pre-roll included, so the pill and the player agree; the
        // player's bar says when the words themselves come.
        _moment(talk, title, moment, playerSlot) {
            const timed = moment.timed !== false;
            const playback = playbackFor(moment.link, moment.jump_ms, talk.embed_url) || playbackFor(talk.link, 0, talk.embed_url);
            const jump = Number.isFinite(moment.jump_ms) && moment.jump_ms > 0 ? Math.floor(moment.jump_ms / 1000) : 0;
            const startSecond = timed ? (playback && playback.kind !== 'link' ? playback.second : jump) : 0;
            const said = timed ? (str(moment.time) || clock((moment.start_ms || 0) / 1000)) : null;
            const time = timed
                ? el('span', { class: 'time' }, playIcon(), clock(startSecond))
                : el('span', { class: 'time untimed', 'aria-hidden': 'true' }, playIcon(), 'transcript');
            const snippet = el('span', { class: 'snippet' });
            if (typeof moment.chapter === 'string' && moment.chapter) snippet.append(el('span', { class: 'chapter-label' }, 'Chapter: '));
            if (typeof moment.speaker === 'string' && moment.speaker) snippet.append(el('span', { class: 'who' }, `${moment.speaker}: `));
            snippet.append(...snippetNodes(moment));
            const children = [el('span', { class: 'sr-only' }, timed ? 'Play from ' : 'Play from the start: '), time,
                timed ? el('span', { class: 'sr-only' }, ': ') : null, snippet];
            const page = typeof talk.id === 'string' && talk.id ? this._talkUrl(talk.id, timed ? jump : 0) : null;
            if (!playback) {
                return page ? el('a', { class: 'moment', part: 'moment', href: page }, ...children)
                    : el('div', { class: 'moment', part: 'moment' }, time, snippet);
            }
            if (playback.kind === 'link' && typeof moment.link.time_text === 'string' && moment.link.time_text) {
                children.push(el('span', { class: 'sr-only' }, ` (${moment.link.time_text})`));
            }
            if (said && playback.kind !== 'link') playback.said = said;
            return this._playControl(playback, title, playerSlot, 'moment', page, children);
        }

        // A control that plays `playback` inline in `slot`: a link to `page` (or the video)
        // that an unmodified primary click plays instead, or a button without one. Videos the
        // widget cannot embed open in a new tab.
        _playControl(playback, title, slot, className, page, children) {
            const part = className === 'moment' ? 'moment' : null;
            if (playback.kind === 'link') {
                return el('a', { class: className, part, href: playback.href, target: '_blank', rel: 'noopener noreferrer' }, ...children);
            }
            const href = page || playback.href;
            const control = href ? el('a', { class: className, part, href }, ...children)
                : el('button', { type: 'button', class: className, part }, ...children);
            control.addEventListener('click', (event) => {
                if (href && (event.button !== 0 || event.ctrlKey || event.metaKey || event.shiftKey || event.altKey)) return;
                event.preventDefault();
                this._play(playback, title, slot, control);
            });
            return control;
        }

        _play(playback, title, slot, button) {
            this._closePlayer();
            const frame = el('iframe', {
                src: playback.embed,
                title: `${playback.host} video: ${title}`,
                allow: 'autoplay; encrypted-media; picture-in-picture; fullscreen',
                referrerpolicy: 'strict-origin-when-cross-origin',
            });
            const close = el('button', { type: 'button', class: 'close' }, 'Close player');
            const from = clock(playback.second);
            const bar = el('div', { class: 'player-bar' },
                el('span', null, `Playing from ${from}`,
                    playback.said && playback.said !== from ? ` (the words at ${playback.said})` : '',
                    playback.href ? ' \u00b7 ' : '',
                    playback.href ? el('a', { href: playback.href, target: '_blank', rel: 'noopener noreferrer' }, `Open on ${playback.host} \u2197`) : ''),
                close);
            const player = el('div', { class: 'player', part: 'player' }, el('div', { class: 'frame' }, frame), bar);
            close.addEventListener('click', () => {
                this._closePlayer();
                button.focus();
            });
            slot.append(player);
            button.classList.add('playing');
            this._player = { player, button };
            player.scrollIntoView({ block: 'nearest', behavior: scrollBehavior() });
        }

        _closePlayer() {
            if (!this._player) return;
            this._player.player.remove();
            this._player.button.classList.remove('playing');
            this._player = null;
        }
    }

    customElements.define('talk-search', TalkSearch);
})();
