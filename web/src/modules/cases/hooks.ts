import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useMemo } from 'react';
import { useCan } from '../auth/hooks.ts';
import { caseAction, getCase, getCommitments, listCases, listCategories, listUsers, type CaseAction, type CaseFilters } from './api.ts';

/** The queue, a page at a time (keyset: each page names the next one's cursor). */
export function useCaseList(filters: CaseFilters) {
  return useInfiniteQuery({
    queryKey: ['cases', filters],
    queryFn: ({ pageParam }) => listCases(filters, pageParam),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
}

export const useCase = (id: string) => useQuery({ queryKey: ['case', id], queryFn: () => getCase(id) });
export const useCaseCommitments = (id: string) => useQuery({ queryKey: ['case', id, 'commitments'], queryFn: () => getCommitments(id) });

/** Staff names by id (for owner, assignee and timeline authors), where the role may list users. */
export function useUserNames(): (id: string | null | undefined) => string | null {
  const can = useCan();
  const q = useQuery({ queryKey: ['users'], queryFn: listUsers, enabled: can('user.read'), staleTime: 10 * 60_000 });
  const names = useMemo(() => new Map((q.data ?? []).map((u) => [u.id, u.name])), [q.data]);
  return (id) => (id ? (names.get(id) ?? null) : null);
}

export const useCategories = () => useQuery({ queryKey: ['categories'], queryFn: listCategories, staleTime: 10 * 60_000 });

/** One action on a case; after it the case, its commitments and the lists are read again. */
export function useCaseAction(id: string, action: CaseAction) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (body: unknown) => caseAction(id, action, body),
    onSuccess: async () => {
      await Promise.all([qc.invalidateQueries({ queryKey: ['case', id] }), qc.invalidateQueries({ queryKey: ['cases'] })]);
    },
  });
}
