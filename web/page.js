// The server's own search page: one <talk-search> whose query lives in the URL, so a search
// can be shared (/?q=decorators runs on load; each new search replaces the URL).
(() => {
    'use strict';
    const widget = document.querySelector('talk-search');
    if (!widget) return;
    const params = new URLSearchParams(location.search);
    const query = (params.get('q') || '').trim();
    const pageNumber = Math.max(1, parseInt(params.get('page') || '1', 10) || 1);
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
        const url = new URL(location.href);
        url.search = '';
        if (detail.query) url.searchParams.set('q', detail.query);
        const limit = parseInt(widget.getAttribute('limit') || '10', 10) || 10;
        const page = Math.floor((detail.offset || 0) / limit) + 1;
        if (page > 1) url.searchParams.set('page', String(page));
        history.replaceState(null, '', url);
        document.title = detail.query ? `${detail.query} \u2013 talksearch` : baseTitle;
    });

    customElements.whenDefined('talk-search').then(() => {
        if (query) {
            const limit = parseInt(widget.getAttribute('limit') || '10', 10) || 10;
            widget.search(query, (pageNumber - 1) * limit);
        } else {
            widget.focus();
        }
    });
})();
