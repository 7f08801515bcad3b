/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'
import Components from 'unplugin-vue-components/vite'
import { ElementPlusResolver } from 'unplugin-vue-components/resolvers'

// The page is served by mzflow itself (web/web.go embeds dist/), on the API's port, with
// history-mode routing; in development `npm run dev` proxies the API to a local `mzflow dev`.
export default defineConfig({
  base: '/',
  // Element Plus components are imported, with their styles, by the pages that use them,
  // so the sign-in page loads only what it shows. src/components.d.ts is generated.
  plugins: [vue(), Components({ resolvers: [ElementPlusResolver({ importStyle: 'css' })], dts: 'src/components.d.ts' })],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // ECharts, loaded with the overdue board only, is the largest chunk.
    chunkSizeWarningLimit: 700,
  },
  server: {
    proxy: {
      '/api': 'http://127.0.0.1:8080',
    },
  },
  test: {
    environment: 'jsdom',
    include: ['src/**/*.test.ts'],
    // Element Plus's per-component style imports are CSS files Node cannot load: let
    // Vite handle the package in component tests.
    server: { deps: { inline: ['element-plus'] } },
  },
})
