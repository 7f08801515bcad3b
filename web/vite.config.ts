/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The page is served by mzflow itself (web/web.go embeds dist/), on the API's port, with
// history-mode routing; in development `npm run dev` proxies the API to a local `mzflow dev`.
export default defineConfig({
  base: '/',
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // Element Plus is registered whole so every page can use any component; the chunk is
    // large but cached forever (web.go marks assets/ immutable).
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
  },
})
