export { recordAudit, recordAuditNow, verifyAuditChain, listAudit, type AuditEntry, type AuditVerification } from './audit.service.ts';
