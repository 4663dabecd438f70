/// <reference types="vitest/config" />
import { defineConfig } from 'vite'
import vue from '@vitejs/plugin-vue'

// The build is embedded by Tauri (tauri.conf.json: frontendDist = ui/dist) and served from its
// custom protocol, so asset URLs must be relative and nothing may come from the network.
// The app's CSP forbids `unsafe-eval`: Vue is its runtime-only build (the default `vue` entry;
// templates are compiled here by @vitejs/plugin-vue) and vue-i18n compiles messages with its
// JIT AST compiler (no `new Function`). `npm run build` greps dist for eval to keep it that way.
export default defineConfig({
  base: './',
  plugins: [vue()],
  define: {
    // Kept on: later screens may use components written with the Options API.
    __VUE_OPTIONS_API__: 'true',
    __VUE_PROD_DEVTOOLS__: 'false',
    __VUE_PROD_HYDRATION_MISMATCH_DETAILS__: 'false',
    __VUE_I18N_FULL_INSTALL__: 'true',
    __VUE_I18N_LEGACY_API__: 'false',
    __INTLIFY_JIT_COMPILATION__: 'true',
    __INTLIFY_DROP_MESSAGE_COMPILER__: 'false',
    __INTLIFY_PROD_DEVTOOLS__: 'false',
  },
  // Tauri's dev server expectations: a fixed port, and do not clear the Rust output.
  clearScreen: false,
  server: { port: 5173, strictPort: true },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    // WebKitGTK 2.40+ on Debian 12 handles modern syntax.
    target: 'es2022',
    chunkSizeWarningLimit: 1500,
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
})
