import { z } from 'zod';

/**
 * What a customer may consent to (SPEC 10, consent register):
 * - service_contact: contact about their own cases, including follow-ups (回访) after a case is
 *   closed; implied while they have a case that is not closed (see hasConsent);
 * - satisfaction_survey: satisfaction surveys (SPEC 6);
 * - call_recording: recording of their calls;
 * - third_party_sharing: their data passed to a third party (field-service contractors,
 *   integrations, webhooks); `scope` names the party or the data;
 * - marketing: care campaigns, offers, proactive notices not about a case of theirs.
 */
export const CONSENT_PURPOSES = ['service_contact', 'satisfaction_survey', 'call_recording', 'third_party_sharing', 'marketing'] as const;
export type ConsentPurpose = (typeof CONSENT_PURPOSES)[number];
export const isConsentPurpose = (v: unknown): v is ConsentPurpose => typeof v === 'string' && (CONSENT_PURPOSES as readonly string[]).includes(v);

/** How a consent was obtained: the portal (the customer themselves), or what staff recorded from a call, mail, chat, visit or signed form. */
export const CONSENT_CHANNELS = ['portal', 'phone', 'email', 'chat', 'in_person', 'paper', 'web_form', 'import'] as const;
export type ConsentChannel = (typeof CONSENT_CHANNELS)[number];

const scope = z.string().trim().max(500).nullable().optional();
const reason = z.string().trim().max(500).optional();

/** Staff record a consent the customer gave (POST /api/v1/customers/:id/consents). */
export const grantConsentBody = z.strictObject({
  purpose: z.enum(CONSENT_PURPOSES),
  scope,
  channel: z.enum(CONSENT_CHANNELS),
  /** e.g. the call recording's id, the scanned form's reference */
  evidenceRef: z.string().trim().max(200).nullable().optional(),
});
export type GrantConsentInput = z.infer<typeof grantConsentBody>;

/** A portal customer gives a consent themselves (POST /api/v1/me/consents): the channel is the portal. */
export const ownConsentBody = z.strictObject({ purpose: z.enum(CONSENT_PURPOSES), scope });

export const withdrawConsentBody = z.strictObject({ reason });

export const consentParams = z.strictObject({ id: z.string().min(1).max(64), consentId: z.string().min(1).max(64) });
export const ownConsentParams = z.strictObject({ consentId: z.string().min(1).max(64) });

export interface ConsentView {
  id: string;
  customerId: string;
  purpose: ConsentPurpose;
  scope: string | null;
  channel: ConsentChannel;
  evidenceRef: string | null;
  grantedAt: number;
  recordedBy: string;
  active: boolean;
  withdrawnAt: number | null;
  withdrawnBy: string | null;
  withdrawalReason: string | null;
}

export interface ConsentRegister {
  customerId: string;
  /** Consents in force, newest first. */
  current: ConsentView[];
  /** Withdrawn consents, newest first (never deleted). */
  history: ConsentView[];
  /** service_contact holds anyway while the customer has a case that is not closed. */
  serviceContactImplied: boolean;
}
