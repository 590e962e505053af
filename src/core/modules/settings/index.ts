export { readSetting, writeSetting } from './settings.service.ts';
export type { SettingsTable } from './settings.table.ts';
