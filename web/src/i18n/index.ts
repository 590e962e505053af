import i18n from 'i18next';
import { initReactI18next } from 'react-i18next';
import en from './en.json';
import zhCN from './zh-CN.json';

export const LANGUAGES = [
  { code: 'zh-CN', label: '中文' },
  { code: 'en', label: 'English' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const STORAGE_KEY = 'sl.lang';
/** The language chosen with the switch, if any (remembered in this browser). */
export const storedLanguage = (): Language | null => {
  const v = localStorage.getItem(STORAGE_KEY);
  return v === 'en' || v === 'zh-CN' ? v : null;
};
/** A user's or browser's locale as one of ours: English for en*, else Chinese. */
export const languageOf = (locale: string | null | undefined): Language => (locale?.toLowerCase().startsWith('en') ? 'en' : 'zh-CN');

/** Switch and remember. */
export function chooseLanguage(lang: Language): void {
  localStorage.setItem(STORAGE_KEY, lang);
  void i18n.changeLanguage(lang);
}
/** Follow the user's locale, unless a language was chosen here. */
export function followUserLocale(locale: string | null | undefined): void {
  if (!storedLanguage()) void i18n.changeLanguage(languageOf(locale));
}

i18n.on('languageChanged', (lng) => {
  document.documentElement.lang = lng;
});

void i18n.use(initReactI18next).init({
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  lng: storedLanguage() ?? 'zh-CN',
  fallbackLng: 'zh-CN',
  interpolation: { escapeValue: false },
});

export default i18n;
