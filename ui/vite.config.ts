/// <reference types="vitest/config" />
import { createReadStream, existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The hub serves the built UI at `/`, so assets use an absolute base.
// For development against a running hub: LOKET_HUB=http://127.0.0.1:PORT npm run dev
const hub = process.env.LOKET_HUB;

/** The queue-call voice clips (assets/audio/*.wav at the repo root). */
const AUDIO_DIR = fileURLToPath(new URL('../assets/audio', import.meta.url));
const CLIP_FILE = /^[a-z0-9-]+\.wav$/;

/**
 * Serves the voice clips at `/audio/<clip>.wav`: copied into `dist/audio/` by the build (so both the
 * hub and the desktop window have them) and answered straight from assets/audio by the dev server.
 */
function audioClips(): Plugin {
  return {
    name: 'loket-audio-clips',
    configureServer(server) {
      server.middlewares.use('/audio', (req, res, next) => {
        const name = decodeURIComponent((req.url ?? '').split('?')[0]).replace(/^\/+/, '');
        const file = path.join(AUDIO_DIR, name);
        if (!CLIP_FILE.test(name) || !existsSync(file)) return next();
        res.setHeader('Content-Type', 'audio/wav');
        createReadStream(file).pipe(res);
      });
    },
    generateBundle() {
      for (const name of readdirSync(AUDIO_DIR).filter((f) => CLIP_FILE.test(f))) {
        this.emitFile({ type: 'asset', fileName: `audio/${name}`, source: readFileSync(path.join(AUDIO_DIR, name)) });
      }
    },
  };
}

export default defineConfig({
  base: '/',
  plugins: [svelte(), audioClips()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2022',
  },
  server: hub ? { proxy: { '/api': { target: hub, changeOrigin: false } } } : {},
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
