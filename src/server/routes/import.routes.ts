import multipart from '@fastify/multipart';
import type { FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Ctx } from '../../core/context.ts';
import { imports } from '../../core/modules/channels/index.ts';
import { DomainError } from '../../core/shared/errors.ts';
import { actor } from '../plugins/auth.ts';
import type { ZApp } from './zapp.ts';

const tags = ['import'];

/** The one file of a multipart upload (field `file`), within the import's size limit. */
async function uploaded(req: FastifyRequest): Promise<imports.UploadedFile> {
  const required = () => new DomainError('import_file_required', 'Send the file as multipart/form-data, in the field "file" (an .xlsx or .csv).', 422);
  if (!req.isMultipart()) throw required();
  const part = await req.file();
  if (!part) throw required();
  let content: Buffer;
  try {
    content = await part.toBuffer();
  } catch (err) {
    if ((err as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE')
      throw new DomainError('import_file_too_large', `The file is larger than ${imports.MAX_IMPORT_BYTES / 1024 / 1024} MB; split it.`, 413);
    throw err;
  }
  return { name: part.filename || 'upload', content };
}

const attachment = (name: string) => `attachment; filename="${name.replace(/[^\w.-]/g, '_')}"; filename*=UTF-8''${encodeURIComponent(name)}`;

/**
 * Bulk import of offline records (SPEC 1, modules/channels/import): the template, the upload
 * (a dry run that checks every row without writing, or the commit), and the history with each
 * import's error report. Leads and admins (case.import).
 */
export function importRoutes(app: ZApp, ctx: Ctx): void {
  app.get(
    '/api/v1/imports/template',
    { config: { permission: 'case.import' }, schema: { tags, summary: 'The import template (XLSX or CSV, Chinese or English headers)', querystring: imports.templateQuery } },
    async (req, reply) => {
      const { format, lang } = req.query;
      const file = await imports.templateFile(format, lang);
      const name = `${lang === 'zh' ? '线下记录导入模板' : 'offline-records-template'}.${format}`;
      return reply
        .type(format === 'xlsx' ? 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet' : 'text/csv; charset=utf-8')
        .header('content-disposition', attachment(name))
        .send(file);
    },
  );
  app.get(
    '/api/v1/imports',
    { config: { permission: 'case.import' }, schema: { tags, summary: 'Import history, newest first', querystring: imports.importListQuery, response: { 200: imports.importJob.array() } } },
    (req) => imports.listImports(ctx, req.query),
  );
  app.get(
    '/api/v1/imports/:id',
    { config: { permission: 'case.import' }, schema: { tags, summary: 'One import with its skipped and failed rows', params: imports.importParams, response: { 200: imports.importJobDetail } } },
    (req) => imports.getImport(ctx, req.params.id),
  );
  app.get(
    '/api/v1/imports/:id/errors.csv',
    { config: { permission: 'case.import' }, schema: { tags, summary: "An import's error report (CSV, one line per error)", params: imports.importParams, querystring: imports.importReportQuery } },
    async (req, reply) => {
      const r = await imports.importErrorReport(ctx, req.params.id, req.query.lang);
      return reply.type('text/csv; charset=utf-8').header('content-disposition', attachment(r.fileName)).send(r.content);
    },
  );
  // multipart only here, in a scope of its own
  void app.register(async (scope) => {
    await scope.register(multipart, { limits: { fileSize: imports.MAX_IMPORT_BYTES, files: 1, fields: 0, parts: 1 } });
    scope.withTypeProvider<ZodTypeProvider>().post(
      '/api/v1/imports',
      {
        config: { permission: 'case.import' },
        bodyLimit: imports.MAX_IMPORT_BYTES + 64 * 1024,
        schema: {
          tags,
          summary: 'Upload offline records (multipart field "file": .xlsx, or .csv in UTF-8 or GBK); ?dryRun=true checks every row and writes nothing',
          description: `At most ${imports.MAX_IMPORT_ROWS} records and ${imports.MAX_IMPORT_BYTES / 1024 / 1024} MB. Each valid new row becomes a case through intake; a record imported before (same external reference, or the same row) is skipped; invalid rows are reported with row, column, code and message.`,
          querystring: imports.importUploadQuery,
          response: { 200: imports.importSummary, 201: imports.importSummary },
        },
      },
      async (req, reply) => {
        const file = await uploaded(req);
        if (req.query.dryRun) return reply.status(200).send(await imports.dryRunImport(ctx, file, actor(req)));
        return reply.status(201).send(await imports.commitImport(ctx, file, actor(req)));
      },
    );
  });
}
