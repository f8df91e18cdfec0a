/**
 * Turns what `@elysiajs/openapi` generates from the routes' TypeBox schemas into a document
 * that validates as OpenAPI 3.1 and lints clean. Each rule below answers one gap between
 * Elysia's schemas and OpenAPI 3.1; the routes stay the single source of the content.
 */
type Json = Record<string, any>

const HTTP_METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'])
const ERROR_REF = { $ref: '#/components/schemas/Error' }
/** Stand-ins for values whose format says all there is to say about them. */
const FORMAT_SAMPLES: Record<string, unknown> = {
  uuid: '8a6e0804-2bd0-4672-b79d-d97027f9071a',
  'date-time': '2026-01-15T09:30:00.000Z',
  date: '2026-01-15',
  email: 'student@lyceum.local',
  uri: 'https://lyceum.example/api/v1/files/8a6e0804-2bd0-4672-b79d-d97027f9071a/content',
}

/** What each status means here, with the error a client most often sees for it (SPEC §2). */
const STATUS_TEXT: Record<string, [string, string?, string?]> = {
  '200': ['OK'], '201': ['Created'], '202': ['Accepted: the work continues in the background'], '204': ['Done; no body'],
  '302': ['Redirect: follow Location'], '304': ['Not modified (ETag)'],
  '400': ['Malformed request', 'bad_request', 'Malformed request'],
  '401': ['No valid credentials: missing, wrong, expired or revoked', 'unauthorized', 'Authentication required'],
  '402': ['Payment required: buy the course first', 'payment_required', 'This course must be purchased first'],
  '403': ['Signed in but not allowed', 'forbidden', 'You are not allowed to do this'],
  '404': ['Not found, or not yours to see', 'not_found', 'Not found'],
  '409': ['Conflicts with the current state; `code` says how (see the examples)'],
  '413': ['Too large', 'payload_too_large', 'Payload too large'],
  '415': ['Type not allowed', 'unsupported_media_type', 'This file type is not allowed'],
  '422': ['Validation failed: `details` names each field', 'validation_failed', 'Validation failed'],
  '429': ['Too many requests: wait Retry-After seconds', 'rate_limited', 'Too many requests, slow down'],
  '503': ['A dependency is unavailable: retry later', 'unavailable', 'A dependency is unavailable'],
}

/** 409 has many codes (SPEC §2): show the common ones. */
const CONFLICTS = Object.fromEntries(
  [
    ['email_taken', 'This email is already registered'], ['slug_taken', 'This slug is already used'], ['already_enrolled', 'Already enrolled in this course'],
    ['quiz_required', 'Pass the quiz of this lesson first'], ['out_of_stock', 'Not enough stock'], ['invalid_transition', 'Not allowed in the current status'],
  ].map(([code, message]) => [code, { summary: code, value: { error: { code, message } } }]),
)

const isObject = (v: unknown): v is Json => !!v && typeof v === 'object' && !Array.isArray(v)

/**
 * Schema-level fixes, applied everywhere:
 * - `nullable` is OpenAPI 3.0 (Elysia's `t.Nullable` adds it next to the 3.1 `null` type): dropped.
 * - `t.Date()` reaches the document as "date-time string, date string or number" (what it
 *   accepts as input); every date we send is an ISO-8601 date-time string.
 * - A union with an "anything" member (`{}`) is just "anything".
 */
export function normaliseSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(normaliseSchema)
  if (!isObject(schema)) return schema
  const out: Json = {}
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'nullable' || key === 'examples' || key === 'example' || key === 'default' || key === 'const' || key === 'enum') {
      if (key !== 'nullable') out[key] = value
      continue
    }
    out[key] = isObject(value) || Array.isArray(value) ? normaliseSchema(value) : value
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    let members = out[key] as Json[] | undefined
    if (!members) continue
    // t.Numeric/t.Integer in bodies also accept numeric strings ("5"): that is a leniency, not the contract.
    const lenient = members.filter((m) => m.type === 'string' && (m.format === 'integer' || m.format === 'numeric' || m.format === 'number'))
    if (lenient.length && lenient.length < members.length) {
      members = members.filter((m) => !lenient.includes(m))
      out[key] = members
      if (members.length === 1) {
        delete out[key]
        Object.assign(out, members[0])
        continue
      }
    }
    if (isDateUnion(members)) {
      delete out[key]
      const nullable = members.some((m) => m.type === 'null')
      Object.assign(out, { type: nullable ? ['string', 'null'] : 'string', format: 'date-time' })
    } else if (members.some((m) => isObject(m) && Object.keys(m).length === 0)) {
      delete out[key]
    }
  }
  return out
}

function isDateUnion(members: Json[]): boolean {
  const formats = members.filter((m) => m.type !== 'null').map((m) => `${m.type}:${m.format ?? ''}`).sort()
  return formats.join(',') === 'number:,string:date,string:date-time'
}

/**
 * The example a schema documents: its own `examples[0]` (TypeBox `examples` on the model),
 * else one assembled from its parts (object properties, array items, the first union member
 * that has one), else `const`/`enum`/`default`, a format's stand-in, or null for a nullable
 * value. Plain strings, numbers and booleans never get an invented value: `undefined` means
 * "nobody wrote an example for this", and the OpenAPI test names the route.
 */
export function exampleOf(schema: unknown, components: Json = {}): unknown {
  if (!isObject(schema)) return undefined
  if (Array.isArray(schema.examples) && schema.examples.length) return schema.examples[0]
  if ('example' in schema) return schema.example
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length) return schema.enum[0]
  if ('default' in schema) return schema.default
  if (typeof schema.$ref === 'string') return exampleOf(components[schema.$ref.split('/').pop()!], components)
  for (const key of ['anyOf', 'oneOf'] as const) {
    if (!Array.isArray(schema[key])) continue
    const members = schema[key] as Json[]
    for (const m of members.filter((m) => m.type !== 'null')) {
      const value = exampleOf(m, components)
      if (value !== undefined) return value
    }
    return members.some((m) => m.type === 'null') ? null : undefined
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((s: unknown) => exampleOf(s, components))
    return parts.every(isObject) ? Object.assign({}, ...parts) : undefined
  }
  const types: string[] = Array.isArray(schema.type) ? schema.type : [schema.type]
  if (schema.format && FORMAT_SAMPLES[schema.format] !== undefined) return FORMAT_SAMPLES[schema.format]
  if (types.includes('object') || schema.properties) return objectExample(schema, components)
  if (types.includes('array')) {
    const item = exampleOf(schema.items, components)
    return item === undefined ? undefined : [item]
  }
  if (types.includes('null')) return null
  return undefined
}

function objectExample(schema: Json, components: Json): Json | undefined {
  const required = new Set<string>(schema.required ?? [])
  const out: Json = {}
  for (const [name, prop] of Object.entries((schema.properties ?? {}) as Json)) {
    const value = exampleOf(prop, components)
    if (value === undefined) {
      if (required.has(name)) return undefined
      continue
    }
    out[name] = value
  }
  return out
}

/** The fixes for one operation: public routes, request bodies, responses. */
function finishOperation(op: Json, components: Json) {
  // The auth macro documents `bearerAuth` on every route that uses it: anything else is public.
  op.security ??= []
  const body = op.requestBody?.content as Json | undefined
  if (body) {
    // JSON is the API's format (SPEC §2); Elysia would also parse forms, but clients send JSON.
    if (body['application/json']) op.requestBody.content = { 'application/json': body['application/json'] }
    for (const media of Object.values(op.requestBody.content as Json)) withExample(media, components)
  }
  for (const [status, response] of Object.entries((op.responses ?? {}) as Json)) finishResponse(status, response, components)
}

function finishResponse(status: string, response: Json, components: Json) {
  const content = response.content as Json | undefined
  if (!content) return
  // @elysiajs/openapi writes `{type: "void"}` into `content` for t.Void(): a response with no body.
  if (typeof content.type === 'string') {
    if (response.description?.startsWith('Response for status')) response.description = STATUS_TEXT[status]?.[0] ?? response.description
    delete response.content
    if (status.startsWith('3')) response.headers ??= { Location: { description: 'Where to go next', schema: { type: 'string' } } }
    return
  }
  const schema = content['application/json']?.schema ?? content['text/plain']?.schema
  const [text, code, message] = STATUS_TEXT[status] ?? []
  if (isObject(schema) && schema.title === 'Error') {
    // A route's own description of the status (`documentedError`) names its codes in backticks: one example each.
    const own = typeof schema.description === 'string' ? schema.description : undefined
    const named = Object.fromEntries((own ?? '').split('; ').flatMap((part) => {
      const m = /^`([a-z_]+)`: (.+)$/.exec(part)
      return m ? [[m[1]!, { summary: m[1], value: { error: { code: m[1], message: m[2] } } }]] : []
    }))
    const example = status === '422' || Object.keys(named).length ? undefined : code && { error: { code, message } }
    const examples = Object.keys(named).length ? named : status === '409' ? CONFLICTS : undefined
    response.content = { 'application/json': { schema: ERROR_REF, ...(example ? { example } : {}), ...(examples ? { examples } : {}) } }
    response.description = own ?? text ?? `Error (${status})`
    return
  }
  if (text && (!response.description || response.description.startsWith('Response for status'))) response.description = text
  // Binary bodies (files, PDFs) are declared as `binary(mediaType, description)`.
  if (isObject(schema) && typeof schema.contentMediaType === 'string') {
    response.content = { [schema.contentMediaType]: { schema: { type: 'string', format: 'binary' } } }
    return
  }
  if (status.startsWith('2')) for (const media of Object.values(content)) withExample(media as Json, components)
}

function withExample(media: Json, components: Json) {
  if (media.example !== undefined || media.examples) return
  const value = exampleOf(media.schema, components)
  if (value !== undefined) media.example = value
}

/** Applies every rule above to the generated document (in place) and returns it. */
export function finishDocument(doc: Json, errorSchema: Json): Json {
  doc.components ??= {}
  doc.components.schemas = { ...(doc.components.schemas ?? {}), Error: errorSchema }
  for (const [name, schema] of Object.entries(doc.components.schemas as Json)) doc.components.schemas[name] = normaliseSchema(schema)
  for (const item of Object.values((doc.paths ?? {}) as Json)) {
    for (const [method, op] of Object.entries(item as Json)) {
      if (!HTTP_METHODS.has(method) || !isObject(op)) continue
      for (const p of (op.parameters ?? []) as Json[]) p.schema = normaliseSchema(p.schema)
      if (op.requestBody?.content) for (const media of Object.values(op.requestBody.content as Json)) (media as Json).schema = normaliseSchema((media as Json).schema)
      for (const response of Object.values((op.responses ?? {}) as Json)) {
        for (const media of Object.values(((response as Json).content ?? {}) as Json)) if (isObject(media)) media.schema = normaliseSchema(media.schema)
      }
      finishOperation(op, doc.components.schemas)
    }
  }
  return doc
}
