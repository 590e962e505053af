export interface CustomersTable {
  id: string;
  name: string;
  email: string | null;
  phone: string | null;
  company: string | null;
  tier: 'vip' | 'key' | 'normal';
  region: string | null;
  branch: string | null;
  locale: string;
  status: 'active' | 'inactive';
  created_at: number;
  updated_at: number;
  /** When its personal data was erased by anonymisation (modules/privacy); null while kept. */
  erased_at: number | null;
}
