// @ts-check
// next.config.js is CommonJS (the fixed top-level layout names this file), hence require().
/* eslint-disable @typescript-eslint/no-require-imports */
const { PHASE_PRODUCTION_SERVER, PHASE_DEVELOPMENT_SERVER } = require('next/constants');

/** @type {(phase: string) => Promise<import('next').NextConfig>} */
module.exports = async (phase) => {
  // Validate the environment when the server starts, not at build time: the same build serves any
  // configuration, and a bad value must stop start-up with a message naming the variable.
  if (phase === PHASE_PRODUCTION_SERVER || phase === PHASE_DEVELOPMENT_SERVER) {
    const { parseEnv } = await import('./lib/config-schema.mjs');
    const parsed = parseEnv(process.env);
    if (!parsed.ok) {
      console.error(`idlens: invalid configuration, not starting:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\nSee README.md, "Configuration".`);
      process.exit(78); // EX_CONFIG
    }
    if (parsed.config.IDLENS_MODE === 'server' && !process.env.IDLENS_PEER_SECRET) {
      console.error('idlens: IDLENS_MODE=server must be started with `node lib/server/main.mjs` (npm start, the container), not `next start`: that entry binds the configured address and tells the app the real peer address.');
      process.exit(78);
    }
  }
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    output: 'standalone', // the container image serves .next/standalone with lib/server/main.mjs (Dockerfile)
    // client-node 1.x is ESM-only with Node-specific dependencies: load it from node_modules at run time.
    // zod: lib/server/main.mjs (not bundled) validates the configuration with it, also in the image.
    serverExternalPackages: ['@kubernetes/client-node', '@azure/msal-node', 'better-sqlite3', 'zod'], // better-sqlite3: native addon
    typescript: { ignoreBuildErrors: false },
    // No image optimisation endpoint: /_next/image must not fetch URLs for anyone.
    images: { unoptimized: true, remotePatterns: [], localPatterns: [] },
    async headers() {
      const common = [
        { key: 'X-Content-Type-Options', value: 'nosniff' },
        { key: 'Referrer-Policy', value: 'no-referrer' },
        { key: 'X-Frame-Options', value: 'DENY' },
        { key: 'Cross-Origin-Opener-Policy', value: 'same-origin' },
        { key: 'Cross-Origin-Resource-Policy', value: 'same-origin' },
        { key: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()' },
      ];
      if ((process.env.IDLENS_PUBLIC_URL ?? '').startsWith('https://')) {
        common.push({ key: 'Strict-Transport-Security', value: 'max-age=31536000; includeSubDomains' });
      }
      return [
        { source: '/:path*', headers: common },
        // API answers are data: JSON only, never cached (the handlers set no-store themselves as well).
        { source: '/api/:path*', headers: [{ key: 'Cache-Control', value: 'private, no-store' }] },
      ];
    },
  };
};
