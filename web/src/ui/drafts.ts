import { useCallback, useState } from 'react';
import { useMe } from '../modules/auth/hooks.ts';

/**
 * Drafts: what the user typed into a form and has not sent yet, kept in this tab's sessionStorage
 * per user and per form (a case's reply, note, resolution...; the new-case form), so that a
 * session that ends mid-way (a 401: expired, logged out elsewhere) loses nothing: the app goes to
 * the login and back to the page, and the form is filled in again. A successful send clears the
 * draft; logging out clears them all (a shared desk's next user sees none).
 */
const PREFIX = 'sl.draft.';
const ENDED = 'sl.sessionEnded';

const storage = (): Storage | null => {
  try {
    return window.sessionStorage;
  } catch {
    return null; // storage disabled: drafts are then only in memory, as before
  }
};

function read<T>(key: string): T | null {
  try {
    const v = storage()?.getItem(key);
    return v ? (JSON.parse(v) as T) : null;
  } catch {
    return null;
  }
}

function write(key: string, value: unknown, empty: boolean): void {
  try {
    if (empty) storage()?.removeItem(key);
    else storage()?.setItem(key, JSON.stringify(value));
  } catch {
    // full or disabled: the draft stays in memory only
  }
}

/** Every draft of this tab, of whoever: on logging out. */
export function clearAllDrafts(): void {
  const s = storage();
  if (!s) return;
  for (const k of Object.keys(s)) if (k.startsWith(PREFIX)) s.removeItem(k);
}

/**
 * A form's state kept as a draft under `name` (e.g. `case:<id>:reply`): [value, set, clear,
 * restored]. `restored` says the value came back from an earlier page (shown to the user).
 */
export function useDraft<T>(name: string, initial: T): [T, (v: T) => void, () => void, boolean] {
  const userId = useMe().data?.user.id ?? 'anonymous';
  const key = `${PREFIX}${userId}:${name}`;
  const [state, setState] = useState(() => {
    const kept = read<T>(key);
    // a kept draft of a form whose fields changed since (an object missing some): what fits, over the initial value
    const value = kept === null ? initial : typeof initial === 'object' && initial !== null && typeof kept === 'object' ? { ...initial, ...kept } : kept;
    return { value, restored: kept !== null };
  });
  const emptyJson = JSON.stringify(initial);
  const set = useCallback(
    (v: T) => {
      setState((s) => ({ ...s, value: v }));
      write(key, v, JSON.stringify(v) === emptyJson);
    },
    [key, emptyJson],
  );
  const clear = useCallback(() => {
    setState({ value: JSON.parse(emptyJson) as T, restored: false });
    write(key, null, true);
  }, [key, emptyJson]);
  return [state.value, set, clear, state.restored];
}

/** A request was refused with 401 mid-session: the login page says so (and that drafts were kept). */
export const markSessionEnded = (): void => void storage()?.setItem(ENDED, '1');
export const sessionEndedNotice = (): boolean => storage()?.getItem(ENDED) === '1';
export const clearSessionEnded = (): void => void storage()?.removeItem(ENDED);
