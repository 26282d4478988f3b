import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

// The console is embedded in the renke binary (see ../build.rs and
// src/pages/console.rs): everything it needs is bundled, nothing comes from a
// CDN. `npm run dev` proxies the API to a renke running on :8080.
export default defineConfig({
  plugins: [vue()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    chunkSizeWarningLimit: 1500,
  },
  server: {
    proxy: { '/api': 'http://127.0.0.1:8080' },
  },
});
