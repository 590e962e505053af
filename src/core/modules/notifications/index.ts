export * from './outbox.ts';
export * from './outbox.worker.ts';
export * from './transports.ts';
export { escapeHtml, formatTime, hasTemplate, langOf, renderPlain, renderTemplate, TEMPLATE_NAMES } from './templates.ts';
export type { RenderedMail, RenderOptions } from './templates.ts';
export type { OutboxTable } from './outbox.table.ts';
