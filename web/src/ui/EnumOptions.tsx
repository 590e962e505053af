import { useTranslation } from 'react-i18next';

/** The `<option>`s of a select over fixed values, each labelled by the translation `prefix.value`. */
export function EnumOptions({ values, prefix }: { values: readonly (string | number)[]; prefix: string }) {
  const { t } = useTranslation();
  return values.map((v) => (
    <option key={v} value={v}>
      {t(`${prefix}.${v}`)}
    </option>
  ));
}
