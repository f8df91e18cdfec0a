import { t } from 'elysia'

export const Purpose = t.Union([t.Literal('avatar'), t.Literal('course_cover'), t.Literal('product_image'), t.Literal('attachment')])

export const Variant = t.Object({ url: t.String(), width: t.Integer(), height: t.Integer() }, { title: 'FileVariant', examples: [{ url: '/api/v1/files/c138c67e-f5de-4146-9ce3-7e8f90012233/content?variant=thumb', width: 160, height: 120 }] })

export const FileModel = t.Object(
  {
    id: t.String({ format: 'uuid' }),
    url: t.String({ description: 'Stable API URL of the content (never a presigned link)' }),
    content_type: t.String(),
    size: t.Integer({ description: 'Bytes' }),
    purpose: Purpose,
    status: t.Union([t.Literal('processing'), t.Literal('ready'), t.Literal('failed')], {
      description: 'Images are `processing` until their WebP variants exist; `failed` if the image could not be decoded',
    }),
    variants: t.Object({ thumb: t.Optional(Variant), medium: t.Optional(Variant), large: t.Optional(Variant) }),
    name: t.Nullable(t.String({ description: 'The uploaded file name, for display only' })),
    created_at: t.Date(),
  },
  {
    title: 'File',
    examples: [{
      id: 'c138c67e-f5de-4146-9ce3-7e8f90012233', url: '/api/v1/files/c138c67e-f5de-4146-9ce3-7e8f90012233/content', content_type: 'image/jpeg', size: 482113,
      purpose: 'avatar', status: 'ready', variants: { thumb: { url: '/api/v1/files/c138c67e-f5de-4146-9ce3-7e8f90012233/content?variant=thumb', width: 160, height: 120 } },
      name: 'me.jpg', created_at: '2026-01-15T09:30:00.000Z',
    }],
  },
)
export type FileModel = typeof FileModel.static

export const FileParams = t.Object({ id: t.String({ format: 'uuid' }) })
export const ContentQuery = t.Object({
  variant: t.Optional(t.Union([t.Literal('thumb'), t.Literal('medium'), t.Literal('large')], { description: 'An image variant instead of the original' })),
})

/** OpenAPI description of the multipart body (the route reads the stream itself). */
export const uploadRequestBody = {
  required: true,
  content: {
    'multipart/form-data': {
      schema: {
        type: 'object',
        required: ['file', 'purpose'],
        properties: {
          file: { type: 'string', format: 'binary', description: 'PNG, JPEG, WebP, GIF; attachments also PDF, plain text, ZIP' },
          purpose: { type: 'string', enum: ['avatar', 'course_cover', 'product_image', 'attachment'] },
        },
      },
    },
  },
}
