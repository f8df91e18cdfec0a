/** Rendering and sending (the `email` worker). API processes queue mail through `./queue`. */
import mjml2html from 'mjml'
import nodemailer from 'nodemailer'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { MailVars } from './queue'

export const TEMPLATES_DIR = join(import.meta.dir, 'templates')

/** A compiled template: HTML from MJML, plus a plain-text part and a subject, all with {{placeholders}}. */
export type MailTemplate = { subject: string; html: string; text: string }
export { enqueueEmail, type EmailJob, type MailVars } from './queue'

/**
 * Compiles every `templates/<name>.mjml` once (MJML is slow to compile: milliseconds per
 * template) with its `<name>.txt` companion, whose first line is `Subject: ...`.
 */
export async function compileTemplates(dir = TEMPLATES_DIR): Promise<Map<string, MailTemplate>> {
  const out = new Map<string, MailTemplate>()
  for (const file of (await readdir(dir)).filter((f) => f.endsWith('.mjml'))) {
    const name = file.slice(0, -5)
    const { html, errors } = await mjml2html(await Bun.file(join(dir, file)).text(), { validationLevel: 'strict' })
    if (errors?.length) throw new Error(`mail template ${name}: ${errors.map((e) => e.formattedMessage).join('; ')}`)
    const txt = await Bun.file(join(dir, `${name}.txt`)).text()
    const [first, ...rest] = txt.split('\n')
    if (!first?.startsWith('Subject:')) throw new Error(`mail template ${name}.txt must start with "Subject: "`)
    out.set(name, { subject: first.slice(8).trim(), html, text: rest.join('\n').trim() + '\n' })
  }
  return out
}

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' }
const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!)

function fill(text: string, vars: MailVars, escape: (s: string) => string): string {
  return text.replace(/\{\{\s*([a-z0-9_]+)\s*\}\}/gi, (_, key: string) => {
    const v = vars[key]
    if (v === undefined) throw new Error(`mail variable {{${key}}} missing`)
    return escape(String(v))
  })
}

/** Fills a compiled template; values are HTML-escaped in the HTML part only. */
export function renderTemplate(tpl: MailTemplate, vars: MailVars) {
  return { subject: fill(tpl.subject, vars, (s) => s), html: fill(tpl.html, vars, escapeHtml), text: fill(tpl.text, vars, (s) => s) }
}

/** A pooled SMTP transport (one connection reused: ~3 ms a message instead of ~100 ms). */
export function createMailTransport(smtpUrl: string) {
  const url = new URL(smtpUrl)
  return nodemailer.createTransport({
    pool: true,
    host: url.hostname,
    port: Number(url.port || (url.protocol === 'smtps:' ? 465 : 25)),
    secure: url.protocol === 'smtps:',
    auth: url.username ? { user: decodeURIComponent(url.username), pass: decodeURIComponent(url.password) } : undefined,
    tls: { rejectUnauthorized: url.searchParams.get('tls_reject_unauthorized') !== 'false' },
    ignoreTLS: url.searchParams.get('ignore_tls') === 'true',
  })
}
export type MailTransport = ReturnType<typeof createMailTransport>
