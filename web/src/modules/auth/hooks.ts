import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useEffect } from 'react';
import { followUserLocale } from '../../i18n/index.ts';
import { clearAllDrafts, clearSessionEnded } from '../../ui/drafts.ts';
import type { Permission } from '../../types.ts';
import { fetchMe, login, logout, type Me } from './api.ts';

export const ME_KEY = ['me'] as const;

/** Who is logged in and what they may do (GET /api/v1/auth/me); the UI follows their locale unless a language was chosen. */
export function useMe() {
  const q = useQuery({ queryKey: ME_KEY, queryFn: fetchMe, staleTime: 5 * 60_000 });
  const locale = q.data?.user.locale;
  useEffect(() => {
    if (locale) followUserLocale(locale);
  }, [locale]);
  return q;
}

/** The permissions of the logged-in user (empty before /me answered). */
export function useCan(): (p: Permission) => boolean {
  const me = useMe().data;
  const perms = new Set(me?.permissions ?? []);
  return (p) => perms.has(p);
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (v: { email: string; password: string }) => login(v.email, v.password),
    onSuccess: (r) => {
      clearSessionEnded();
      qc.clear();
      qc.setQueryData<Me>(ME_KEY, { user: r.user, permissions: r.permissions });
    },
  });
}

export function useLogout() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: logout,
    // logged out on purpose: nothing typed here stays for the next user of this desk
    onSettled: () => {
      clearAllDrafts();
      qc.clear();
    },
  });
}
