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
}
