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
  }
  return {
    reactStrictMode: true,
    poweredByHeader: false,
    output: 'standalone', // the container image runs .next/standalone/server.js (Dockerfile)
    // client-node 1.x is ESM-only with Node-specific dependencies: load it from node_modules at run time.
    serverExternalPackages: ['@kubernetes/client-node', '@azure/msal-node', 'better-sqlite3'], // better-sqlite3: native addon
    typescript: { ignoreBuildErrors: false },
  };
};
