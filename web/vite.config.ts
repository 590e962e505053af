import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

/** The staff web app: built into web/dist, served by the API server under /app/ (src/server/web.ts). */
export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/app/',
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  // `npx vite --config web/vite.config.ts` for development, beside `npm start` on port 3000
  server: { proxy: { '/api': 'http://127.0.0.1:3000' } },
});
