export { EMAIL_ACTOR_ID, ingestEmail, MAX_MAIL_ATTACHMENTS, type EmailOutcome, type IngestOptions, type IngestResult } from './email-intake.ts';
export { MAX_MESSAGE_BYTES, parseAuthResults, parseEmail, senderAuthenticated, stripQuotedAndSignature, type AuthResults, type ParsedEmail } from './email-parse.ts';
export { findThread, trustedAuthservFromEnv, type Thread } from './email-threading.ts';
export { smtpInboundSettingsFromEnv, startSmtpInbound, type SmtpInbound, type SmtpInboundOptions, type SmtpInboundSettings } from './smtp-inbound.ts';
export type { CaseEmailMessagesTable } from './channels.table.ts';
export * as imports from './import/index.ts';
