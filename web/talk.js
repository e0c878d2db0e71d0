// The talk page (/talk/<id>, rendered by the server: query/render_talk.cpp). Every time on the
// page is a permalink (/talk/<id>?t=S#t-S) that works without JavaScript: the server renders
// the player starting there and the paragraph holding that second with id t-S. With this
// script a click plays the embedded player from that second without leaving the page, and a
// page opened at ?t= without its #t- anchor scrolls the paragraph into view.
(() => {
    'use strict';
    // The players the page embeds (the same strict patterns as widget.js): the server gives
    // the player's address in data-embed; anything else is never put in the iframe.
    const PLAYERS = [
        { pattern: /^https:\/\/www\.youtube-nocookie\.com\/embed\/[A-Za-z0-9_-]{11}$/,
            src: (embed, second) => `${embed}?start=${second}&autoplay=1` },
        { pattern: /^https:\/\/player\.vimeo\.com\/video\/[0-9]+$/,
            src: (embed, second) => `${embed}?autoplay=1#t=${second}s` },
    ];
    const player = document.getElementById('player');
    const frame = player ? player.querySelector('iframe') : null;
    const embed = player ? player.dataset.embed || '' : '';
    const kind = PLAYERS.find((p) => p.pattern.test(embed));
    // A talk cut from a longer recording starts this far into the video.
    const offset = player ? parseInt(player.dataset.offset || '0', 10) || 0 : 0;
    const paragraphs = Array.from(document.querySelectorAll('.talk-para[data-start]'));
    const smooth = !matchMedia('(prefers-reduced-motion: reduce)').matches;

    // The paragraph holding `second`: the last one starting at or before it.
    function paragraphAt(second) {
        let found = paragraphs[0] || null;
        for (const p of paragraphs) {
            if (parseInt(p.dataset.start, 10) <= second) found = p;
        }
        return found;
    }

    function markCurrent(paragraph) {
        for (const p of document.querySelectorAll('.talk-current')) {
            p.classList.remove('talk-current');
            p.removeAttribute('aria-current');
        }
        if (!paragraph) return;
        paragraph.classList.add('talk-current');
        paragraph.setAttribute('aria-current', 'true');
    }

    function inView(element) {
        const box = element.getBoundingClientRect();
        return box.top >= 0 && box.bottom <= window.innerHeight;
    }

    document.addEventListener('click', (event) => {
        const link = event.target instanceof Element ? event.target.closest('a.talk-time[data-t]') : null;
        if (!link || event.defaultPrevented || event.button !== 0 ||
            event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
        const second = parseInt(link.dataset.t, 10);
        // No player here (a host that cannot be embedded): the permalink loads the page there.
        if (!Number.isFinite(second) || !frame || !kind) return;
        event.preventDefault();
        frame.src = kind.src(embed, second + offset);
        const url = new URL(link.href, location.href);
        const query = new URLSearchParams(location.search).get('q');
        if (query) url.searchParams.set('q', query);
        history.replaceState(null, '', url);
        markCurrent(paragraphAt(second));
        if (!inView(player)) player.scrollIntoView({ behavior: smooth ? 'smooth' : 'auto', block: 'nearest' });
    });

    // Opened at ?t=: the server marked the paragraph; the #t- anchor scrolls to it when the
    // address has one, and this does when it has not.
    const current = document.querySelector('.talk-current');
    const anchored = location.hash.length > 1 && document.getElementById(location.hash.slice(1));
    if (current && !anchored) current.scrollIntoView({ block: 'center' });
})();
