import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.ts';
import type { Actor } from '../../shared/actor.ts';
import { consentRequired, hasConsent } from '../privacy/consent.service.ts';

/** A call recording: an attachment of an audio type. */
export const isRecording = (contentType: string): boolean => contentType.toLowerCase().startsWith('audio/');

/**
 * "Recordings are inspected only where the customer consented" (SPEC 7): a quality inspector
 * opens a case's call recording only when its customer has consented to call_recording
 * (409 consent_required otherwise). Other attachments, and other roles, are not concerned.
 */
export async function assertRecordingInspectable(db: Kysely<Database>, actor: Actor, customerId: string | null, contentType: string): Promise<void> {
  if (actor.role !== 'inspector' || !isRecording(contentType) || customerId === null) return;
  if (!(await hasConsent(db, customerId, 'call_recording'))) throw consentRequired(customerId, 'call_recording');
}
