import { useQuery } from '@tanstack/react-query';
import { api, withQuery } from '../../api.ts';
import type { AnalyticsSummary } from '../../types.ts';

export const PERIODS = [30, 90] as const;

export const getSummary = (days: number) => api<AnalyticsSummary>(withQuery('/api/v1/analytics/summary', { days }));

export const useSummary = (days: number, enabled: boolean) => useQuery({ queryKey: ['analytics', 'summary', days], queryFn: () => getSummary(days), enabled, staleTime: 60_000 });
