/// <reference types="vitest/config" />
import { defineConfig } from 'vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// The hub serves the built UI at `/`, so assets use an absolute base.
// For development against a running hub: LOKET_HUB=http://127.0.0.1:PORT npm run dev
declare const process: { env: Record<string, string | undefined> };
const hub = process.env.LOKET_HUB;

export default defineConfig({
  base: '/',
  plugins: [svelte()],
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
