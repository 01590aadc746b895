import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: { rollupOptions: { input: { index: 'src/main/index.ts' } } },
  },
  preload: {
    // Sandboxed preloads must be CommonJS.
    build: {
      rollupOptions: {
        input: { index: 'src/preload/index.ts', observer: 'src/preload/observer.ts' },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    // Minified: the page is parsed on every open of a deep link (electron-vite leaves it unminified).
    build: { minify: true, rollupOptions: { input: { index: 'src/renderer/index.html' } } },
    plugins: [react()],
  },
});
