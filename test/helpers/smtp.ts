import { SMTPServer } from 'smtp-server'
import { simpleParser, type ParsedMail } from 'mailparser'

export type Received = { to: string[]; subject: string; text: string; html: string; headers: Record<string, string> }

/** An in-process SMTP sink: the real nodemailer transport talks SMTP to it. */
export async function startSmtpSink() {
  const inbox: Received[] = []
  const waiters: { match: (m: Received) => boolean; resolve: (m: Received) => void }[] = []
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _session, done) {
      simpleParser(stream)
        .then((mail: ParsedMail) => {
          const to = [mail.to].flat().flatMap((a) => (a ? a.value.map((v) => (v.address ?? '').toLowerCase()) : []))
          const m: Received = {
            to,
            subject: mail.subject ?? '',
            text: mail.text ?? '',
            html: typeof mail.html === 'string' ? mail.html : '',
            headers: Object.fromEntries([...mail.headers].map(([k, v]) => [k, String(v)])),
          }
          inbox.push(m)
          for (const w of [...waiters]) if (w.match(m)) { waiters.splice(waiters.indexOf(w), 1); w.resolve(m) }
          done()
        })
        .catch(done)
    },
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.server.address() as { port: number }).port
  return {
    port,
    url: `smtp://127.0.0.1:${port}?ignore_tls=true`,
    inbox,
    /** Mail to `address` (optionally matching `filter`) — already received or the next to arrive. */
    waitFor(address: string, filter: (m: Received) => boolean = () => true, timeoutMs = 10000): Promise<Received> {
      const match = (m: Received) => m.to.includes(address.toLowerCase()) && filter(m)
      const found = inbox.find(match)
      if (found) return Promise.resolve(found)
      return new Promise((resolve, reject) => {
        const w = { match, resolve }
        waiters.push(w)
        setTimeout(() => { const i = waiters.indexOf(w); if (i >= 0) { waiters.splice(i, 1); reject(new Error(`no mail to ${address} within ${timeoutMs} ms`)) } }, timeoutMs)
      })
    },
    messagesTo: (address: string) => inbox.filter((m) => m.to.includes(address.toLowerCase())),
    close: () => new Promise<void>((r) => server.close(() => r())),
  }
}
export type SmtpSink = Awaited<ReturnType<typeof startSmtpSink>>
