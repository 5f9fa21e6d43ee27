// The HTTP entry of idlens: `node lib/server/main.mjs` (npm start, the container, the tests).
//
// Why not plain `next start`: this process owns the socket, so it can (1) validate the whole
// configuration before anything listens (also in the standalone build, which has no
// next.config.js), (2) bind 127.0.0.1 only in local mode, (3) tell the app the real peer address
// of each connection in a header a client cannot forge (the trusted-proxy mode depends on it;
// Next.js only fills x-forwarded-for when the client left it out), and (4) give every request an
// ID and a redacted, structured access log line.
import { randomBytes, randomUUID } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { parseEnv } from '../config-schema.mjs';
import { captureConsole, log } from './logger.mjs';

const appDir = resolve(process.env.IDLENS_APP_DIR ?? process.cwd());
process.env.NODE_ENV = 'production';
process.env.NEXT_TELEMETRY_DISABLED ??= '1';
captureConsole();

const parsed = parseEnv(process.env);
if (!parsed.ok) {
  // For the operator reading the terminal or `kubectl logs`: plain lines first, then the record.
  process.stderr.write(`idlens: invalid configuration, not starting:\n${parsed.problems.map((p) => `  - ${p}`).join('\n')}\nSee README.md, "Configuration".\n`);
  log('error', 'invalid configuration, not starting', { problems: parsed.problems });
  process.exit(78); // EX_CONFIG
}
const config = parsed.config;
const host = config.IDLENS_MODE === 'local' ? '127.0.0.1' : config.IDLENS_LISTEN_HOST;
const port = config.PORT;

// Proof that a request came through this entry: the app trusts `x-idlens-peer` only with this
// per-process secret in it (lib/server/auth/peer.ts). Set before Next.js loads.
const peerSecret = randomBytes(24).toString('base64url');
process.env.IDLENS_PEER_SECRET = peerSecret;

// The standalone build (the container) carries the serialised Next.js config instead of
// next.config.js; hand it to Next.js the way its own generated server.js does.
if (!existsSync(join(appDir, 'next.config.js'))) {
  const required = join(appDir, '.next', 'required-server-files.json');
  if (existsSync(required)) process.env.__NEXT_PRIVATE_STANDALONE_CONFIG = JSON.stringify(JSON.parse(readFileSync(required, 'utf8')).config);
}

const { default: next } = await import('next');
const app = next({ dev: false, dir: appDir, hostname: host, port });
await app.prepare();
const handle = app.getRequestHandler();

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;
// No API takes more than 64 KiB; anything declaring over 1 MiB is refused before Next.js reads it
// (routes enforce their own, smaller limits while streaming, also for chunked bodies).
const MAX_BODY_BYTES = 1024 * 1024;
// No path of idlens holds an encoded slash or backslash, or a `..` segment (plain or encoded):
// such a request is a traversal probe and gets a 404 before any routing.
// Local mode answers only requests addressed to the loopback host: a web page that rebinds its own
// DNS name to 127.0.0.1 would otherwise read the dashboard (and the user's clusters) through it.
const LOOPBACK_HOST = /^(?:127\.0\.0\.1|localhost|\[::1\])(?::\d{1,5})?$/i;
const TRAVERSAL = /%2f|%5c|(?:^|\/|%2f)(?:\.|%2e){2}(?:\/|%2f|%5c|$)/i;

const server = createServer((req, res) => {
  const started = process.hrtime.bigint();
  const incoming = req.headers['x-request-id'];
  const requestId = typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
  req.headers['x-request-id'] = requestId;
  req.headers['x-idlens-peer'] = `${peerSecret} ${req.socket.remoteAddress ?? ''}`;
  res.setHeader('x-request-id', requestId);
  if (config.IDLENS_MODE === 'local' && !LOOPBACK_HOST.test(req.headers.host ?? '')) {
    res.writeHead(421, { 'content-type': 'application/json', 'cache-control': 'private, no-store' });
    res.end(JSON.stringify({ error: { code: 'misdirected', message: 'In local mode idlens answers only at http://localhost or http://127.0.0.1. To serve other hosts, run it in server mode with sign-in.' } }));
    return;
  }
  if (TRAVERSAL.test((req.url ?? '').split('?')[0] ?? '')) {
    res.writeHead(404, { 'content-type': 'application/json', 'cache-control': 'private, no-store' });
    res.end(JSON.stringify({ error: { code: 'not-found', message: 'There is nothing at this path.' } }));
    return;
  }
  if (Number(req.headers['content-length'] ?? 0) > MAX_BODY_BYTES) {
    res.writeHead(413, { 'content-type': 'application/json', connection: 'close' });
    res.end(JSON.stringify({ error: { code: 'payload-too-large', message: `The request body is over ${MAX_BODY_BYTES / 1024} KiB.` } }));
    req.resume();
    return;
  }
  res.once('finish', () => {
    const path = (req.url ?? '').split('?')[0];
    log(res.statusCode >= 500 ? 'warn' : 'info', 'request', {
      requestId,
      method: req.method,
      path,
      status: res.statusCode,
      ms: Number((process.hrtime.bigint() - started) / 1000n) / 1000,
    });
  });
  handle(req, res).catch((error) => {
    log('error', 'request failed', { requestId, error });
    if (!res.headersSent) {
      res.statusCode = 500;
      res.end();
    }
  });
});
server.headersTimeout = 20_000;
server.requestTimeout = 120_000;
server.keepAliveTimeout = 5_000;
server.on('clientError', (error, socket) => {
  if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\n\r\n');
  log('debug', 'client error', { error: error.message });
});

server.listen(port, host, () => {
  log('info', `idlens listening on http://${host.includes(':') ? `[${host}]` : host}:${port}`, {
    mode: config.IDLENS_MODE,
    auth: config.IDLENS_AUTH ?? 'none (local mode: 127.0.0.1 only)',
  });
});

const shutdown = () => {
  server.close(() => process.exit(0));
  setTimeout(() => process.exit(0), 5_000).unref();
};
process.on('SIGTERM', shutdown);
process.on('SIGINT', shutdown);
