/** Reads a whole SSE response into events: `{event?, raw, data}` (data parsed when JSON). */
export async function readSse(res: Response) {
  return parseSse(await res.text())
}

export function parseSse(text: string) {
  return text
    .split('\n\n')
    .filter((block) => block.trim())
    .map((block) => {
      let event: string | undefined
      const data: string[] = []
      for (const line of block.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7)
        else if (line.startsWith('data: ')) data.push(line.slice(6))
      }
      const raw = data.join('\n')
      let parsed: any = raw
      try { parsed = JSON.parse(raw) } catch {}
      return { event, raw, data: parsed }
    })
}
