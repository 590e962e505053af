/** Settings an administrator changes at run time, one JSON value a key (modules own their keys). */
export interface SettingsTable {
  key: string;
  value: string; // JSON
  updated_at: number;
  updated_by: string | null;
}
