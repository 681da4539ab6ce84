/**
 * HTML of sora.chatgpt.com as far as the extension cares: a feed of post cards, post pages, a login form.
 * Plain markup, no CSP, no framework; one card has no link around its video (the post id sits on an ancestor
 * as `data-post-id`), like an SPA that navigates by script.
 */

export interface CardData {
  postId: string;
  videoUrl: string;
  posterUrl: string | null;
  text: string;
  author: string;
}

const esc = (s: string) =>
  s.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch] ?? ch,
  );

/**
 * The SDK stand-in: `SentinelSDK.token(flow, deviceId)` like OpenAI's; tokens carry `c` = this page's key, which
 * the sim recognises as `source: page`, and `id` = the device id given (a random id without one, which the
 * strict mode refuses as `page_no_device`).
 */
export function sentinelScript(pageKey: string): string {
  return `<script>
window.SentinelSDK = {
  token: async function (flow, deviceId) {
    var id = deviceId || ((self.crypto && crypto.randomUUID) ? crypto.randomUUID() : String(Math.random()).slice(2));
    return JSON.stringify({ p: 'gAAAAAB' + btoa(String(Date.now()) + Math.random()) + '~S', t: 'sim',
      c: ${JSON.stringify(pageKey)}, id: id, flow: flow || 'sora_2_create_task' });
  },
};
</script>`;
}

function layout(title: string, body: string, opts: { email: string | null; pageKey: string | null }): string {
  const who = opts.email
    ? `<span id="whoami">Signed in as ${esc(opts.email)}</span> · <a href="/logout">Log out</a>`
    : '<a href="/login">Log in</a>';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>${esc(title)}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body{font-family:system-ui,sans-serif;margin:0;background:#111;color:#eee}
header{display:flex;justify-content:space-between;padding:12px 20px;background:#1b1b1b}
a{color:#9cf} main{padding:20px} .feed{display:grid;grid-template-columns:repeat(auto-fill,minmax(220px,1fr));gap:16px}
.card{background:#1e1e1e;border-radius:8px;overflow:hidden} .card video{width:100%;display:block;background:#000}
.card p{margin:8px 10px;font-size:14px} form{display:flex;flex-direction:column;gap:8px;max-width:320px}
</style>
${opts.pageKey ? sentinelScript(opts.pageKey) : ''}
</head><body>
<header><a href="/"><strong>Sora</strong> <small>(simulator)</small></a><nav>${who}</nav></header>
<main>${body}</main>
</body></html>`;
}

function video(card: CardData): string {
  const poster = card.posterUrl ? ` poster="${esc(card.posterUrl)}"` : '';
  return `<video src="${esc(card.videoUrl)}"${poster} muted loop playsinline preload="metadata"></video>`;
}

export function feedPage(cards: CardData[], opts: { email: string | null; pageKey: string | null }): string {
  const items = cards.map((card, i) => {
    const caption = `<p class="caption">${esc(card.text)}</p><p class="author">@${esc(card.author)}</p>`;
    // The last card imitates script navigation: no <a>, only a data attribute two levels up.
    if (i === cards.length - 1 && cards.length > 1) {
      return `<article class="card" data-post-id="${card.postId}"><div class="media"><div class="player">
${video(card)}</div></div>${caption}</article>`;
    }
    return `<article class="card"><a class="post-link" href="/p/${card.postId}">${video(card)}</a>${caption}</article>`;
  });
  return layout('Sora', `<h1>Explore</h1><section class="feed">${items.join('\n')}</section>`, opts);
}

export function postPage(card: CardData, opts: { email: string | null; pageKey: string | null }): string {
  const poster = card.posterUrl ? ` poster="${esc(card.posterUrl)}"` : '';
  return layout(
    `${card.text} | Sora`,
    `<article class="post" data-post-id="${card.postId}">
<video id="post-video" src="${esc(card.videoUrl)}"${poster} controls playsinline></video>
<h1>${esc(card.text)}</h1><p>@${esc(card.author)}</p><p><a href="/">Back to the feed</a></p></article>`,
    opts,
  );
}

export function loginPage(opts: { email: string | null; error?: string; next?: string }): string {
  const err = opts.error ? `<p role="alert" class="error">${esc(opts.error)}</p>` : '';
  return layout(
    'Log in | Sora',
    `<h1>Log in</h1>${err}
<form method="post" action="/login">
<label for="email">Email</label>
<input id="email" name="email" type="email" required autocomplete="email" value="">
<input type="hidden" name="next" value="${esc(opts.next ?? '/')}">
<button type="submit">Continue</button>
</form>`,
    { email: opts.email, pageKey: null },
  );
}

export function notFoundPage(opts: { email: string | null }): string {
  return layout('Not found | Sora', '<h1>Page not found</h1><p><a href="/">Back to the feed</a></p>', {
    ...opts,
    pageKey: null,
  });
}
