// Intentionally empty: see tests/vitest.config.ts.
export {};
