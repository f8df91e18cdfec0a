import { Elysia, t } from 'elysia'
import type { Deps } from '../../platform/deps'
import { authGuard } from '../../platform/http/auth'
import { documentedError, errorResponses } from '../../platform/http/errors'
import { binaryResponse } from '../../platform/http/responses'
import { Certificate, CertificateList, Verification } from './model'
import { adminIssue, certificatePdf, listMyCertificates, verifyCertificate } from './service'

const IdParams = t.Object({ id: t.String({ format: 'uuid' }) })

export function certificateRoutes(deps: Deps) {
  return new Elysia({ tags: ['courses'] })
    .use(authGuard(deps))
    .get('/me/certificates', ({ auth }) => listMyCertificates(deps, auth), {
      auth: true,
      detail: { summary: "The caller's certificates (listed once their PDF is stored)" },
      response: { 200: CertificateList, ...errorResponses(401) },
    })
    .get('/certificates/verify/:number', ({ params }) => verifyCertificate(deps, params.number), {
      params: t.Object({ number: t.String({ maxLength: 64 }) }),
      detail: { summary: 'Public verification of a certificate number; `valid: false` once revoked; 404 unknown', security: [] },
      response: { 200: Verification, ...errorResponses(404, 422) },
    })
    .get('/certificates/:id/pdf', ({ auth, params }) => certificatePdf(deps, params.id, auth), {
      auth: true,
      params: IdParams,
      detail: { summary: "One's own certificate as PDF (application/pdf); 410 certificate_revoked once revoked" },
      response: { 200: binaryResponse('application/pdf', 'The certificate PDF'), ...errorResponses(401, 404, 422), 410: documentedError('`certificate_revoked`: the certificate was revoked (refund or dispute); GET /certificates/verify/:number says valid: false') },
    })
    .post('/admin/enrollments/:id/certificate', async ({ params, set }) => {
      const { certificate, created } = await adminIssue(deps, params.id)
      set.status = created ? 201 : 200
      return certificate
    }, {
      auth: 'admin',
      params: IdParams,
      detail: { summary: 'Issue (or reinstate) the certificate of a completed enrollment now (admin); 409 if not completed' },
      response: { 200: Certificate, 201: Certificate, ...errorResponses(401, 403, 404, 409, 422) },
    })
}
