// Consent register (SPEC 10): the check before personal data leaves, and the register itself.
export * from './consent.schemas.ts';
export * from './consent.service.ts';
export type { ConsentsTable } from './consent.table.ts';
// Privacy rights (SPEC 10): a customer's data export, erasure by anonymisation, the retention job.
export * from './privacy.schemas.ts';
export { exportCustomerData, exportOwnData, exportFileName, EXPORT_FORMAT, type CustomerExport, type CaseExport, type PortalAccountExport } from './export.service.ts';
export { eraseCustomer, ERASED_NAME, REDACTED, REDACTED_FILE, type ErasureCounts, type ErasureResult } from './erase.service.ts';
export { runRetention, createRetentionWorker, msUntilRetentionHour, RETENTION_HOUR, RETENTION_REASON, type RetentionOptions, type RetentionReport, type RetentionWorker } from './retention.ts';
