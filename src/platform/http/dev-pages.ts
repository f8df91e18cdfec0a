import { Elysia } from 'elysia'

/**
 * Small pages served only in development (`bun run dev`) so every link in the dev inbox works:
 * `APP_URL/verify-email?token=` and `APP_URL/reset-password?token=` complete the flow against
 * the API with a fetch, and `/` in a browser lists where to go. A real app serves its own pages
 * at these paths (set APP_URL to it). The token is read from the address bar by the script,
 * never written into the HTML.
 */
const page = (title: string, body: string, script = '') => `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${title} · Lyceum (dev)</title>
<style>body{font:16px/1.5 system-ui,sans-serif;max-width:36rem;margin:3rem auto;padding:0 1rem;color:#1f2937}h1{font-size:1.4rem}
input,button{font:inherit;padding:.4rem .6rem}button{background:#4f46e5;color:#fff;border:0;border-radius:4px;cursor:pointer}
#out{margin-top:1rem;padding:.6rem;border-radius:4px;background:#f3f4f6;white-space:pre-wrap}.ok{color:#065f46}.err{color:#991b1b}small{color:#6b7280}</style></head>
<body><h1>${title}</h1>${body}<p><small>Development page served by <code>bun run dev</code>. <a href="/">Home</a> · <a href="/swagger">Swagger UI</a></small></p>
<script>
const token = new URLSearchParams(location.search).get('token') || ''
const out = (text, ok) => { const el = document.getElementById('out'); el.textContent = text; el.className = ok ? 'ok' : 'err' }
async function post(path, body) {
  const res = await fetch('/api/v1' + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
  const text = await res.text()
  let json = null; try { json = text ? JSON.parse(text) : null } catch {}
  return { status: res.status, json }
}
${script}
</script></body></html>`

const VERIFY = page(
  'Verify your email',
  '<p>Confirming the address of this link…</p><div id="out"></div>',
  `(async () => {
  if (!token) return out('This link has no token.', false)
  const r = await post('/auth/verify-email', { token })
  if (r.status === 200) out('Email verified for ' + r.json.user.email + '. You can close this page and sign in.', true)
  else out((r.json && r.json.error ? r.json.error.code + ': ' + r.json.error.message : 'HTTP ' + r.status), false)
})()`,
)

const RESET = page(
  'Choose a new password',
  `<form id="f"><label>New password (8–128 characters)<br><input id="pw" type="password" minlength="8" maxlength="128" required autocomplete="new-password"></label>
<button type="submit">Set password</button></form><div id="out"></div>`,
  `document.getElementById('f').addEventListener('submit', async (e) => {
  e.preventDefault()
  if (!token) return out('This link has no token.', false)
  const r = await post('/auth/password/reset', { token, password: document.getElementById('pw').value })
  if (r.status === 204) out('Password changed. Every session was signed out: sign in with the new password.', true)
  else out((r.json && r.json.error ? r.json.error.code + ': ' + r.json.error.message + (r.json.error.details ? ' ' + JSON.stringify(r.json.error.details) : '') : 'HTTP ' + r.status), false)
})`,
)

/** The dev home at `/` for browsers: the places a newcomer wants first. */
export function devHomePage() {
  const items = [
    ['/swagger', 'Swagger UI: every REST route, with examples'],
    ['/api/v1', 'The API index (JSON)'],
    ['/swagger/json', 'The OpenAPI document'],
    ['/asyncapi.json', 'The AsyncAPI document of the WebSocket'],
    ['/api/v1/courses', 'The course catalog (JSON)'],
    ['/api/v1/products', 'The shop (JSON)'],
    ['http://localhost:1080', 'The dev mail inbox (maildev, started by bun run dev)'],
  ]
  return page('Lyceum is running', `<ul>${items.map(([href, text]) => `<li><a href="${href}">${text}</a></li>`).join('')}</ul>
<p>Demo accounts: <code>student@lyceum.local</code>, <code>instructor@lyceum.local</code>, <code>admin@lyceum.local</code>, password <code>lyceum-demo-password</code>.</p>`)
}

export function devPages() {
  const html = (text: string) => new Response(text, { headers: { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' } })
  return new Elysia({ name: 'platform.dev-pages' })
    .get('/verify-email', () => html(VERIFY), { detail: { hide: true } })
    .get('/reset-password', () => html(RESET), { detail: { hide: true } })
}
