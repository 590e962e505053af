export { recordAudit, recordAuditNow, verifyAuditChain, listAudit, type AuditEntry, type AuditVerification } from './audit.service.ts';
export {
  ALERT_RULES,
  acknowledgeSecurityAlert,
  listSecurityAlerts,
  type AccessAlertSettings,
  type AlertQuery,
  type AlertRule,
  type SecurityAlertView,
} from './access-alerts.ts';
export type { SecurityAlertsTable } from './access-alerts.table.ts';
