// Renderer build: React + Cornerstone3D, served from one origin (lightbox://app or the test bridge).
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';

export default defineConfig({
  root: 'src/renderer',
  // Relative asset URLs work under lightbox://app/ and http://127.0.0.1:PORT/ alike.
  base: './',
  plugins: [react()],
  resolve: {
    alias: [
      {
        find: /^events$/,
        replacement: fileURLToPath(new URL('src/renderer/shims/events.ts', import.meta.url)),
      },
    ],
  },
  // As Cornerstone3D's Vite guide says: the loader's workers and WASM must not be pre-bundled in dev,
  // and its decode worker is an ES module worker.
  optimizeDeps: { exclude: ['@cornerstonejs/dicom-image-loader'], include: ['dicom-parser'] },
  worker: { format: 'es' },
  build: {
    outDir: '../../dist/renderer',
    emptyOutDir: true,
    target: 'es2022',
    // A desktop app loads its bundle from disk: chunk size is not a network cost.
    chunkSizeWarningLimit: 8192,
    rolldownOptions: {
      onLog(level, log, handler) {
        // The Emscripten codecs and vtk.js have Node-only branches (require('fs')) that never run
        // in the renderer; Vite's note that it stubbed those modules is expected.
        if (log.message.includes('has been externalized for browser compatibility')) return;
        handler(level, log);
      },
    },
  },
});
