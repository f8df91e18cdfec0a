import { Elysia } from 'elysia'
import { openapi } from '@elysiajs/openapi'
import { dirname, join } from 'node:path'

const ASSETS_DIR = dirname(Bun.resolveSync('swagger-ui-dist/package.json', import.meta.dir))
const ASSETS = new Set(['swagger-ui-bundle.js', 'swagger-ui.css', 'swagger-ui-standalone-preset.js', 'favicon-32x32.png', 'favicon-16x16.png'])

/**
 * The OpenAPI document at /swagger/json and Swagger UI at /swagger, whose script and CSS
 * come from the installed swagger-ui-dist through our own route (works offline, no CDN).
 */
export function openapiPlugin(opts: { version: string; tags: { name: string; description: string }[] }) {
  return new Elysia({ name: 'platform.openapi' })
    .get(
      '/swagger/assets/:file',
      ({ params, set }) => {
        if (!ASSETS.has(params.file)) {
          set.status = 404
          return { error: { code: 'not_found', message: 'Not found' } }
        }
        set.headers['cache-control'] = 'public, max-age=86400'
        return Bun.file(join(ASSETS_DIR, params.file))
      },
      { detail: { hide: true } },
    )
    .use(
      openapi({
        path: '/swagger',
        specPath: '/swagger/json',
        provider: 'swagger-ui',
        exclude: { paths: ['/swagger/assets/:file'] },
        swagger: {
          cdn: '/swagger/assets/swagger-ui-bundle.js',
          theme: '/swagger/assets/swagger-ui.css',
          autoDarkMode: false,
          persistAuthorization: true,
        },
        documentation: {
          info: {
            title: 'Lyceum API',
            version: opts.version,
            description: 'Real-time learning platform: accounts, courses, commerce, messaging, AI mentor. Errors always use `{error: {code, message, details?}}`.',
          },
          tags: opts.tags,
          components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } },
        },
      }),
    )
}
