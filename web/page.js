// The server's own search page: one <talk-search> whose search lives in the URL, in parameters
// named as the API's (q, event, speaker, language, year, spoken, sort, page), so a search can be
// shared and every search is a history entry: Back and Forward restore it, facets included.
// Typing adds one entry and then refines it (not one per key); Enter, a filter, a page, Escape
// each add one.
(() => {
    'use strict';
    const widget = document.querySelector('talk-search');
    if (!widget) return;
    const baseTitle = document.title;

    // The embed snippet names this server.
    const code = document.getElementById('embed-code');
    if (code && /^https?:$/.test(location.protocol)) {
        code.textContent =
            `<script src="${location.origin}/widget.js" defer></script>\n` +
            `<talk-search src="${location.origin}"></talk-search>`;
    }

    widget.addEventListener('talk-search', (event) => {
        const detail = event.detail || {};
        const query = detail.query || '';
        document.body.classList.toggle('searched', Boolean(query));
        document.title = query ? `${query} \u2013 talksearch` : baseTitle;
        if (detail.source === 'restore') return;
        const url = new URL(location.href);
        url.search = detail.state || '';
        const typing = detail.source === 'typing';
        const entry = { talksearch: true, typing };
        if (url.href === location.href) {
            if (!typing && history.state && history.state.typing) history.replaceState(entry, '', url);
            return;
        }
        const refine = typing && history.state && history.state.typing;
        if (detail.source === 'load' || refine) history.replaceState(entry, '', url);
        else history.pushState(entry, '', url);
    });

    window.addEventListener('popstate', () => {
        widget.setState(location.search, 'restore');
    });

    customElements.whenDefined('talk-search').then(() => {
        const params = new URLSearchParams(location.search);
        if ([...params.keys()].length) widget.setState(params, 'load');
        if (!(params.get('q') || '').trim()) widget.focus();
    });
})();
