import { join } from 'node:path'
import { PDFDocument, rgb, type PDFFont, type PDFPage } from 'pdf-lib'
import fontkit from '@pdf-lib/fontkit'

/** DejaVu Sans ships in the repo: standard PDF fonts cannot encode names like "Zoë Łukasiewicz". */
const FONT_DIR = join(import.meta.dir, '../../../assets/fonts')
let fonts: Promise<[Uint8Array, Uint8Array]> | undefined
const loadFonts = () =>
  (fonts ??= Promise.all([Bun.file(join(FONT_DIR, 'DejaVuSans.ttf')).bytes(), Bun.file(join(FONT_DIR, 'DejaVuSans-Bold.ttf')).bytes()]))

export type CertificateContent = { learnerName: string; courseTitle: string; instructorName: string; issuedAt: Date; number: string; verifyUrl: string }

/** Splits text into lines no wider than `maxWidth` at `size`. */
function wrap(text: string, font: PDFFont, size: number, maxWidth: number): string[] {
  const lines: string[] = []
  let line = ''
  for (const word of text.split(/\s+/)) {
    const next = line ? `${line} ${word}` : word
    if (line && font.widthOfTextAtSize(next, size) > maxWidth) {
      lines.push(line)
      line = word
    } else line = next
  }
  if (line) lines.push(line)
  return lines.slice(0, 3)
}

/** Draws one centred line, shrinking the size so that long names still fit the frame. */
function centered(page: PDFPage, text: string, y: number, font: PDFFont, size: number, color = rgb(0.15, 0.15, 0.2)) {
  const fitted = Math.min(size, (size * 740) / Math.max(1, font.widthOfTextAtSize(text, size)))
  const width = font.widthOfTextAtSize(text, fitted)
  page.drawText(text, { x: (page.getWidth() - width) / 2, y, size: fitted, font, color })
}

/** Renders a one-page A4-landscape certificate with subset-embedded DejaVu Sans. */
export async function renderCertificatePdf(c: CertificateContent): Promise<Uint8Array> {
  const [regularBytes, boldBytes] = await loadFonts()
  const doc = await PDFDocument.create()
  doc.registerFontkit(fontkit)
  doc.setTitle(`Certificate ${c.number}`)
  doc.setAuthor('Lyceum')
  const regular = await doc.embedFont(regularBytes, { subset: true })
  const bold = await doc.embedFont(boldBytes, { subset: true })
  const page = doc.addPage([842, 595])
  const accent = rgb(0.16, 0.32, 0.6)
  page.drawRectangle({ x: 24, y: 24, width: 794, height: 547, borderColor: accent, borderWidth: 3 })
  page.drawRectangle({ x: 34, y: 34, width: 774, height: 527, borderColor: accent, borderWidth: 0.8 })
  centered(page, 'LYCEUM', 500, bold, 16, accent)
  centered(page, 'Certificate of Completion', 450, bold, 34)
  centered(page, 'This certifies that', 400, regular, 14)
  centered(page, c.learnerName, 352, bold, 30, accent)
  centered(page, 'has successfully completed the course', 310, regular, 14)
  let y = 270
  for (const line of wrap(c.courseTitle, bold, 22, 700)) {
    centered(page, line, y, bold, 22)
    y -= 28
  }
  centered(page, `Instructor: ${c.instructorName}`, 180, regular, 13)
  centered(page, `Issued on ${c.issuedAt.toISOString().slice(0, 10)}`, 160, regular, 13)
  centered(page, `Certificate number ${c.number}`, 110, bold, 12)
  centered(page, `Verify at ${c.verifyUrl}`, 90, regular, 10, rgb(0.3, 0.3, 0.35))
  return doc.save()
}
