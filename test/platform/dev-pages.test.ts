/**
 * SPEC §15: links in emails start with APP_URL (default PUBLIC_URL), and in development the
 * API serves the pages behind them, which complete the flow; `/` is never a dead end.
 */
import { describe, expect, test } from 'bun:test'
import { call, smtp, testAppWith, testWorkers, waitFor } from '../helpers/app'
import { uniqueEmail } from '../helpers/factories'

describe('email links and the dev pages', () => {
  test('the verification link starts with APP_URL and its dev page completes the flow', async () => {
    await testWorkers()
    const { app } = await testAppWith({ NODE_ENV: 'development', APP_URL: 'http://app.localhost:5173' })
    const email = uniqueEmail('applink')
    const reg = await call('POST', '/api/v1/auth/register', { body: { email, password: 'a long enough password', display_name: 'Link' } }, app)
    expect(reg.status).toBe(201)
    const mail = await waitFor(() => smtp().messagesTo(email).find((m) => /verify-email\?token=/.test(m.text)), { what: 'verification mail' })
    const link = mail.text.match(/http\S*verify-email\?token=[^\s"]+/)![0] as string
    expect(link).toStartWith('http://app.localhost:5173/verify-email?token=')
    const url = new URL(link)
    const page = await call('GET', `${url.pathname}${url.search}`, {}, app)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toContain('text/html')
    expect(page.text).toContain("post('/auth/verify-email'")
    expect(page.text).not.toContain(url.searchParams.get('token')!)
    // What the page's script does: POST the token from the address bar.
    const done = await call('POST', '/api/v1/auth/verify-email', { body: { token: url.searchParams.get('token') } }, app)
    expect(done.status).toBe(200)
    expect(done.body.user.email_verified).toBe(true)
  })

  test('the reset page posts to /auth/password/reset; both pages exist only in development', async () => {
    const { app } = await testAppWith({ NODE_ENV: 'development' })
    const page = await call('GET', '/reset-password?token=abc', {}, app)
    expect(page.status).toBe(200)
    expect(page.text).toContain("post('/auth/password/reset'")
    expect((await call('GET', '/verify-email?token=abc')).status).toBe(404)
    expect((await call('GET', '/reset-password?token=abc')).status).toBe(404)
  })

  test('/ answers a page of links to a browser in development and the JSON index otherwise', async () => {
    const { app } = await testAppWith({ NODE_ENV: 'development' })
    const html = await call('GET', '/', { headers: { accept: 'text/html' } }, app)
    expect(html.headers.get('content-type')).toContain('text/html')
    expect(html.text).toContain('href="/swagger"')
    expect((await call('GET', '/', { headers: { accept: 'text/html' } })).body.docs).toBe('/swagger')
  })
})
