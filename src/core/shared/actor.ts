import type { Role } from '../modules/users/roles.ts';

/** Who is acting: every service call gets one, so authorisation and audit never guess. */
export interface Actor {
  id: string;
  kind: 'staff' | 'customer' | 'system';
  role: Role | 'system';
  name: string;
  teamId: string | null;
  customerId: string | null;
  ip: string | null;
}

export const systemActor = (name = 'system'): Actor => ({
  id: 'system',
  kind: 'system',
  role: 'system',
  name,
  teamId: null,
  customerId: null,
  ip: null,
});
