import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter } from 'react-router';
import { ApiError } from './api.ts';
import { App } from './App.tsx';
import './i18n/index.ts';
import './styles.css';
import { markSessionEnded } from './ui/drafts.ts';

/**
 * A session that ended (expired, logged out elsewhere): ask who is logged in again, which leads to
 * the login and back (what the user typed is kept as drafts: ui/drafts.ts).
 */
const onError = (err: unknown) => {
  if (err instanceof ApiError && err.status === 401) {
    if (err.code === 'unauthenticated') markSessionEnded();
    void queryClient.resetQueries({ queryKey: ['me'] });
  }
};

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: (err, query) => query.queryKey[0] !== 'me' && onError(err) }),
  mutationCache: new MutationCache({ onError }),
  defaultOptions: {
    // an answer of the API (401, 403, 404, 409...) is final; only a lost connection or a 5xx is tried again
    queries: { retry: (n, err) => n < 2 && (!(err instanceof ApiError) || err.status === 0 || err.status >= 500), refetchOnWindowFocus: false, staleTime: 10_000 },
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <BrowserRouter basename="/app">
        <App />
      </BrowserRouter>
    </QueryClientProvider>
  </StrictMode>,
);
