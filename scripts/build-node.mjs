// Bundles the Node-side entries (Electron main, preload, CLI, workers) into dist/*.cjs.
// Native modules stay external: electron-builder unpacks them from the asar.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  // The Cornerstone codecs look for their .wasm next to their own script, so they stay in node_modules.
  external: ['electron', 'better-sqlite3', 'onnxruntime-node', '@cornerstonejs/codec-*'],
};

await Promise.all([
  build({ ...common, entryPoints: ['src/main/electron/main.ts'], outfile: 'dist/main/index.cjs' }),
  // A sandboxed preload may require only 'electron': everything else is bundled in.
  build({ ...common, entryPoints: ['src/preload/index.ts'], outfile: 'dist/preload/index.cjs' }),
  build({ ...common, entryPoints: ['src/cli/index.ts'], outfile: 'dist/cli/index.cjs' }),
  build({
    ...common,
    entryPoints: ['src/main/services/inference/inference-worker.ts'],
    outfile: 'dist/main/inference-worker.cjs',
  }),
  build({
    ...common,
    entryPoints: ['src/main/services/dicom/pixels/render-thread.ts'],
    outfile: 'dist/main/render-thread.cjs',
  }),
]);
