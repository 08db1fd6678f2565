// Builds the admin console (web/admin) into dist/admin-web, served by fastify at /admin/
// (protocols/admin-web). JSX goes through esbuild's automatic runtime with preact's
// jsx-runtime: no Babel and no framework plugin are needed for a build-only app.
import { defineConfig } from 'vite';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  base: '/admin/',
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: {
    outDir: fileURLToPath(new URL('../../dist/admin-web', import.meta.url)),
    emptyOutDir: true,
    // Hashed file names under assets/: the server marks them immutable.
    assetsDir: 'assets',
    // The browsers of administrators: evergreen ones (ES2022 like the server).
    target: 'es2022',
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
  },
  logLevel: 'warn',
});
