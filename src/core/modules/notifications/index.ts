export * from './outbox.ts';
export * from './outbox.worker.ts';
export * from './transports.ts';
export { casesOfSentMail, outboxIdOfMessageId } from './message-ids.ts';
export { DIGEST_LIST_MAX, escapeHtml, formatTime, hasDigest, hasTemplate, langOf, renderDigest, renderPlain, renderTemplate, TEMPLATE_NAMES } from './templates.ts';
export type { RenderedMail, RenderOptions } from './templates.ts';
export type { OutboxTable } from './outbox.table.ts';
