// The configuration contract of idlens (documented in README, "Configuration").
//
// Plain ESM JavaScript on purpose: next.config.js loads it when the server starts (so a bad value
// stops `next start` with a message naming the variable), and lib/config.ts uses the same schema at
// request time. Keep it free of Next and React imports.
import { existsSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { z } from 'zod';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** @param {string | undefined} value */
const list = (value) =>
  (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);

/** @param {string} path */
const isDirectory = (path) => {
  try {
    return existsSync(path) && statSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * A mode keyword or a snapshot directory that exists.
 * @param {string} variable
 * @param {readonly string[]} keywords
 */
const modeOrSnapshot = (variable, keywords) =>
  z
    .string()
    .trim()
    .default('sample')
    .transform((value, ctx) => {
      const v = value === '' ? 'sample' : value;
      if (keywords.includes(v)) return /** @type {{kind: 'mode', mode: string}} */ ({ kind: 'mode', mode: v });
      if (isDirectory(v)) return /** @type {{kind: 'snapshot', directory: string}} */ ({ kind: 'snapshot', directory: v });
      ctx.addIssue({
        code: 'custom',
        message: `${variable}=${JSON.stringify(v)} is neither one of ${keywords.join(', ')} nor an existing snapshot directory`,
      });
      return z.NEVER;
    });

const LOG_SOURCE_HINT =
  'a file/dir/glob path, kube:<namespace>[/<label-selector>], loganalytics:<workspace-id> or loki:<base-url>';

/**
 * @typedef {{ kind: 'file', pattern: string }
 *   | { kind: 'kube', namespace: string, labelSelector?: string }
 *   | { kind: 'loganalytics', workspaceId: string }
 *   | { kind: 'loki', baseUrl: string }} LogSourceSpec
 */

/**
 * @param {string} entry
 * @param {z.RefinementCtx} ctx
 * @returns {LogSourceSpec | undefined}
 */
function parseLogSource(entry, ctx) {
  const fail = (/** @type {string} */ why) => {
    ctx.addIssue({ code: 'custom', message: `IDLENS_LOGS entry ${JSON.stringify(entry)}: ${why} (expected ${LOG_SOURCE_HINT})` });
    return undefined;
  };
  if (entry.startsWith('kube:')) {
    const [namespace, ...selector] = entry.slice(5).split('/');
    if (!namespace || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) return fail('not a valid Kubernetes namespace');
    const labelSelector = selector.join('/') || undefined;
    return { kind: 'kube', namespace, labelSelector };
  }
  if (entry.startsWith('loganalytics:')) {
    const workspaceId = entry.slice('loganalytics:'.length);
    if (!GUID.test(workspaceId)) return fail('the Log Analytics workspace id must be a GUID');
    return { kind: 'loganalytics', workspaceId };
  }
  if (entry.startsWith('loki:')) {
    const baseUrl = entry.slice(5);
    try {
      const url = new URL(baseUrl);
      if (url.protocol !== 'http:' && url.protocol !== 'https:') return fail('the Loki URL must be http(s)');
      // Credentials in the URL would be shown wherever the source is named (and fetch refuses them).
      if (url.username || url.password) return fail('the Loki URL must not contain a user name or password');
    } catch {
      return fail('the Loki base URL is not a URL');
    }
    return { kind: 'loki', baseUrl: baseUrl.replace(/\/+$/, '') };
  }
  return { kind: 'file', pattern: entry };
}

const optionalUrl = (/** @type {string} */ variable) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (!value) return undefined;
      try {
        const url = new URL(value);
        if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http(s)');
        return url.toString();
      } catch {
        ctx.addIssue({ code: 'custom', message: `${variable}=${JSON.stringify(value)} is not an http(s) URL` });
        return z.NEVER;
      }
    });

/** An IPv4/IPv6 address, or a CIDR range with a prefix length that fits the family. */
const isIpOrCidr = (/** @type {string} */ entry) => {
  const [ip, bits, ...rest] = entry.split('/');
  const family = isIP(ip ?? '');
  if (!family || rest.length) return false;
  if (bits === undefined) return true;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128);
};

const positiveInt = (/** @type {string} */ variable, /** @type {number} */ fallback, /** @type {number} */ min = 0) =>
  z
    .string()
    .trim()
    .optional()
    .transform((value, ctx) => {
      if (value === undefined || value === '') return fallback;
      const n = Number(value);
      if (!Number.isInteger(n) || n < min) {
        ctx.addIssue({ code: 'custom', message: `${variable}=${JSON.stringify(value)} is not a whole number ≥ ${min}` });
        return z.NEVER;
      }
      return n;
    });

const LOG_LEVELS = /** @type {const} */ (['error', 'warn', 'info', 'debug', 'trace']);

export const envSchema = z
  .object({
    // local: no sign-in, bound to 127.0.0.1 only. server: sign-in required (IDLENS_AUTH).
    IDLENS_MODE: z.enum(['local', 'server'], { message: 'IDLENS_MODE must be local or server' }).default('local'),
    IDLENS_AUTH: z.enum(['entra', 'proxy'], { message: 'IDLENS_AUTH must be entra (sign-in with Entra ID) or proxy (a trusted auth proxy)' }).optional(),
    // Where the server listens in server mode (local mode always binds 127.0.0.1).
    IDLENS_LISTEN_HOST: z.string().trim().optional().transform((v) => v || '0.0.0.0'),
    PORT: positiveInt('PORT', 3000, 1),
    // The URL users reach idlens at; the sign-in redirect URI is <IDLENS_PUBLIC_URL>/api/auth/callback.
    IDLENS_PUBLIC_URL: optionalUrl('IDLENS_PUBLIC_URL'),
    // The app registration users sign in to (defaults: idlens's own AZURE_TENANT_ID / AZURE_CLIENT_ID).
    IDLENS_AUTH_TENANT_ID: z.string().trim().optional(),
    IDLENS_AUTH_CLIENT_ID: z.string().trim().optional(),
    IDLENS_AUTH_CLIENT_SECRET: z.string().optional(),
    IDLENS_AUTH_CLIENT_CERTIFICATE_PATH: z.string().trim().optional(),
    IDLENS_AUTH_REQUIRED_GROUP: z.string().trim().optional().transform((v) => v || undefined),
    IDLENS_AUTH_REQUIRED_ROLE: z.string().trim().optional().transform((v) => v || undefined),
    IDLENS_SESSION_SECRET: z.string().optional(),
    IDLENS_SESSION_TTL_MINUTES: positiveInt('IDLENS_SESSION_TTL_MINUTES', 480, 5),
    IDLENS_AUTH_PROXY_HEADER: z
      .string()
      .trim()
      .optional()
      .transform((v) => (v || 'x-auth-request-email').toLowerCase()),
    IDLENS_AUTH_PROXY_ADDRESSES: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const entries = list(value);
        const bad = entries.filter((e) => !isIpOrCidr(e));
        if (bad.length) {
          ctx.addIssue({ code: 'custom', message: `IDLENS_AUTH_PROXY_ADDRESSES: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not an IP address or CIDR range` });
          return z.NEVER;
        }
        return entries;
      }),
    // Requests per minute per client on /api routes; 0 turns the limit off.
    IDLENS_RATE_LIMIT_PER_MINUTE: positiveInt('IDLENS_RATE_LIMIT_PER_MINUTE', 300),
    IDLENS_LOG_LEVEL: z.enum(LOG_LEVELS, { message: `IDLENS_LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` }).default('info'),
    IDLENS_CLUSTER: modeOrSnapshot('IDLENS_CLUSTER', ['sample', 'kubeconfig', 'in-cluster']),
    IDLENS_KUBE_CONTEXTS: z.string().optional().transform(list),
    KUBECONFIG: z.string().optional(),
    // In-cluster mode: Kubernetes sets these two in every pod (client-node reads them too).
    KUBERNETES_SERVICE_HOST: z.string().trim().optional(),
    KUBERNETES_SERVICE_PORT: z.string().trim().optional(),
    // A directory standing in for / when the pod's service-account files are read (client-node's
    // path prefix); unset in a pod. For running in-cluster mode outside a pod (tests, debugging).
    IDLENS_IN_CLUSTER_ROOT: z
      .string()
      .trim()
      .optional()
      .refine((v) => !v || v.startsWith('/'), { message: 'IDLENS_IN_CLUSTER_ROOT must be an absolute directory path' })
      .transform((v) => (v ? v.replace(/\/+$/, '') : undefined)),
    IDLENS_AZURE: modeOrSnapshot('IDLENS_AZURE', ['sample', 'live']),
    AZURE_TENANT_ID: z.string().trim().optional(),
    AZURE_CLIENT_ID: z.string().trim().optional(),
    AZURE_FEDERATED_TOKEN_FILE: z.string().trim().optional(),
    AZURE_CLIENT_SECRET: z.string().optional(),
    AZURE_CLIENT_CERTIFICATE_PATH: z.string().trim().optional(),
    // Public cloud by default; the webhook injects it with a trailing slash.
    AZURE_AUTHORITY_HOST: optionalUrl('AZURE_AUTHORITY_HOST').transform((v) => v ?? 'https://login.microsoftonline.com/'),
    IDLENS_AZURE_SUBSCRIPTIONS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const ids = list(value);
        const bad = ids.filter((id) => !GUID.test(id));
        if (bad.length) {
          ctx.addIssue({ code: 'custom', message: `IDLENS_AZURE_SUBSCRIPTIONS: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not a subscription id (GUID)` });
          return z.NEVER;
        }
        return ids;
      }),
    // Base URLs of ARM, Graph and Log Analytics: the public cloud by default; set them for a
    // sovereign cloud (or a loopback stand-in in tests).
    IDLENS_ARM_URL: optionalUrl('IDLENS_ARM_URL').transform((v) => v ?? 'https://management.azure.com/'),
    IDLENS_GRAPH_URL: optionalUrl('IDLENS_GRAPH_URL').transform((v) => v ?? 'https://graph.microsoft.com/'),
    IDLENS_LOGANALYTICS_URL: optionalUrl('IDLENS_LOGANALYTICS_URL').transform((v) => v ?? 'https://api.loganalytics.io/'),
    IDLENS_LOGS: z
      .string()
      .trim()
      .optional()
      .transform((value, ctx) => {
        if (!value || value === 'sample') return /** @type {'sample' | LogSourceSpec[]} */ ('sample');
        /** @type {LogSourceSpec[]} */
        const specs = [];
        for (const entry of list(value)) {
          const spec = parseLogSource(entry, ctx);
          if (spec) specs.push(spec);
        }
        return specs;
      }),
    IDLENS_CORRELATION_FIELDS: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const fields = list(value);
        const bad = fields.filter((f) => !/^[A-Za-z0-9_.@$-]{1,64}$/.test(f));
        if (bad.length) {
          ctx.addIssue({ code: 'custom', message: `IDLENS_CORRELATION_FIELDS: ${bad.map((b) => JSON.stringify(b)).join(', ')} is not a field name` });
          return z.NEVER;
        }
        return fields;
      }),
  })
  .superRefine((env, ctx) => {
    if (env.IDLENS_MODE === 'server') {
      // No "skip sign-in" path: server mode without a complete sign-in configuration does not start.
      if (!env.IDLENS_AUTH) {
        ctx.addIssue({ code: 'custom', message: 'IDLENS_MODE=server needs IDLENS_AUTH=entra (sign-in with Entra ID) or IDLENS_AUTH=proxy (a trusted auth proxy); there is no unauthenticated server mode' });
      }
      if (env.IDLENS_AUTH === 'entra') {
        if (!env.IDLENS_PUBLIC_URL) ctx.addIssue({ code: 'custom', message: 'IDLENS_AUTH=entra needs IDLENS_PUBLIC_URL (the address users open; the redirect URI is <IDLENS_PUBLIC_URL>/api/auth/callback)' });
        if (!(env.IDLENS_AUTH_TENANT_ID || env.AZURE_TENANT_ID) || !(env.IDLENS_AUTH_CLIENT_ID || env.AZURE_CLIENT_ID)) {
          ctx.addIssue({ code: 'custom', message: 'IDLENS_AUTH=entra needs the app registration users sign in to: IDLENS_AUTH_TENANT_ID and IDLENS_AUTH_CLIENT_ID (or AZURE_TENANT_ID and AZURE_CLIENT_ID)' });
        }
        if (!env.AZURE_FEDERATED_TOKEN_FILE && !env.IDLENS_AUTH_CLIENT_SECRET && !env.IDLENS_AUTH_CLIENT_CERTIFICATE_PATH) {
          ctx.addIssue({ code: 'custom', message: 'IDLENS_AUTH=entra needs a client credential: AZURE_FEDERATED_TOKEN_FILE (workload identity), IDLENS_AUTH_CLIENT_SECRET or IDLENS_AUTH_CLIENT_CERTIFICATE_PATH' });
        }
        if (!env.IDLENS_SESSION_SECRET || env.IDLENS_SESSION_SECRET.length < 32) {
          ctx.addIssue({ code: 'custom', message: 'IDLENS_AUTH=entra needs IDLENS_SESSION_SECRET of at least 32 characters (e.g. `openssl rand -base64 48`); it encrypts the session cookies' });
        }
      }
      if (env.IDLENS_AUTH === 'proxy' && env.IDLENS_AUTH_PROXY_ADDRESSES.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'IDLENS_AUTH=proxy needs IDLENS_AUTH_PROXY_ADDRESSES: the addresses (IP or CIDR) of the auth proxy whose identity header is trusted' });
      }
    }
    if (env.IDLENS_AZURE.kind === 'mode' && env.IDLENS_AZURE.mode === 'live') {
      if (!env.AZURE_TENANT_ID || !env.AZURE_CLIENT_ID) {
        ctx.addIssue({ code: 'custom', message: 'IDLENS_AZURE=live needs AZURE_TENANT_ID and AZURE_CLIENT_ID' });
      }
      if (!env.AZURE_FEDERATED_TOKEN_FILE && !env.AZURE_CLIENT_SECRET && !env.AZURE_CLIENT_CERTIFICATE_PATH) {
        ctx.addIssue({
          code: 'custom',
          message: 'IDLENS_AZURE=live needs a credential: AZURE_FEDERATED_TOKEN_FILE (workload identity), AZURE_CLIENT_SECRET or AZURE_CLIENT_CERTIFICATE_PATH',
        });
      }
    }
  });

/**
 * Parses an environment; never throws.
 * @param {Record<string, string | undefined>} env
 */
export function parseEnv(env) {
  const result = envSchema.safeParse(env);
  if (result.success) return /** @type {const} */ ({ ok: true, config: result.data });
  const problems = result.error.issues.map((issue) =>
    issue.code === 'custom' ? issue.message : `${issue.path.join('.')}: ${issue.message}`,
  );
  return /** @type {const} */ ({ ok: false, problems });
}
