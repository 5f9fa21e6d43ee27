import { describe, expect, it } from 'vitest';
import { buildTrace } from '@/lib/traces/trace';
import { escapeMermaidText, genericFlowMermaid, traceToMermaid } from '@/lib/traces/sequence';
import {
  CLIENT_ID,
  ISSUER,
  POD,
  SCOPE,
  SUBJECT,
  TENANT,
  aadsts70021Failed,
  happyPath,
  invalidTokenFailed,
  rateLimitedRecovered,
  scenarioLines,
  tokenExpiredRecovered,
} from './log-lines';

type Scenario = ReturnType<typeof happyPath>;
const diagramOf = (s: Scenario) => buildTrace(s.id, scenarioLines(s), { maxEvents: 1000 }).sequence;

// What a statement of our diagrams may look like: fixed ids and arrows from the library, text
// without a raw syntax character; `#` and `;` only inside the entities we write.
const ID = '(?:caller|kubelet|pod|entra|api|issuer)';
const SAFE_TEXT = '(?:[^#;<>%"{}\\\\`&\\n\\r]|#(?:lt|gt|amp|quot|\\d+);)*';
const STATEMENT = new RegExp(
  [
    '^sequenceDiagram$',
    '^  autonumber$',
    `^  participant ${ID} as ${SAFE_TEXT}$`,
    `^  ${ID}(?:->>|-->>|--x)${ID}: ${SAFE_TEXT}$`,
    `^  Note over ${ID}(?:,${ID})?: ${SAFE_TEXT}$`,
  ].join('|'),
);

function expectOnlySafeStatements(source: string): void {
  const lines = source.split('\n');
  expect(lines[0]).toBe('sequenceDiagram');
  for (const line of lines) expect(line, line).toMatch(STATEMENT);
}

interface ParsedDiagram {
  messages: Array<{ from?: string; to?: string; message: string; type: number }>;
  actors: Array<{ name: string; description: string }>;
}

/** mermaid's own parser, as the trace page will run it; entities decoded back to text. */
async function parseWithMermaid(source: string): Promise<ParsedDiagram> {
  const { default: mermaid } = await import('mermaid');
  await mermaid.parse(source); // throws on a syntax error
  const diagram = (await mermaid.mermaidAPI.getDiagramFromText(source)) as unknown as {
    db: { getMessages(): ParsedDiagram['messages']; getActors(): Map<string, ParsedDiagram['actors'][number]> };
  };
  const named: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };
  const decode = (text: unknown) =>
    String(text ?? '').replace(/ﬂ°°(\d+)¶ß/g, (_, code: string) => String.fromCodePoint(Number(code))).replace(/ﬂ°(\w+)¶ß/g, (_, name: string) => named[name] ?? `#${name};`);
  return {
    messages: diagram.db.getMessages().map((m) => ({ ...m, message: decode(m.message) })),
    actors: [...diagram.db.getActors().values()].map((a) => ({ name: a.name, description: decode(a.description) })),
  };
}

describe('traceToMermaid: the exchange as it happened', () => {
  it('draws the happy path with the real values and the real Entra request', () => {
    const source = diagramOf(happyPath());
    expectOnlySafeStatements(source);
    for (const real of [POD, SUBJECT, CLIENT_ID, SCOPE, `/${TENANT}/oauth2/v2.0/token`, '200 access token (95 ms)', 'x-request-id=req-h1', '200 (38 ms)']) {
      expect(source).toContain(real);
    }
    expect(source).toContain('grant_type=client_credentials');
    expect(source).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    expect(source).toContain('client_assertion=SA token');
    expect(source).not.toContain('token-exchange'); // not RFC 8693
    for (const branch of ['AADSTS', 'Retry-After', 're-acquire', 'invalid_token', '--x']) expect(source).not.toContain(branch);
    expect(source.split('\n').at(-1)).toBe('  Note over pod,api: outcome: success');
  });

  it('draws token_expired → re-acquire → retry, and nothing else', () => {
    const lines = diagramOf(tokenExpiredRecovered()).split('\n');
    const expired = lines.findIndex((l) => l.includes('api--xpod: 401 token_expired'));
    expect(expired).toBeGreaterThan(0);
    expect(lines[expired + 1]).toBe('  Note over pod: re-acquire a token, then retry');
    expect(lines[expired + 2]).toMatch(/^ {2}pod->>entra: POST /);
    expect(lines.some((l) => l.startsWith('  pod->>api: retry (attempt 2): GET /orders'))).toBe(true);
    expect(lines.join('\n')).not.toContain('Retry-After');
    expect(lines.at(-1)).toBe('  Note over pod,api: outcome: recovered (last error: token_expired)');
  });

  it('draws invalid_token as a failed validation, without a retry', () => {
    const source = diagramOf(invalidTokenFailed());
    expect(source).toContain('Note over api: validation failed: signature validation failed');
    expect(source).toContain('api--xpod: 401 invalid_token (38 ms)');
    expect(source).not.toContain('retry');
  });

  it('draws 429 → wait Retry-After → retry', () => {
    const source = diagramOf(rateLimitedRecovered());
    expect(source).toContain('api--xpod: 429 rate limited Retry-After 2 s (38 ms)');
    expect(source).toContain('Note over pod: wait 2 s (Retry-After), limit resets at 2025-03-04T10:00:03Z, then retry');
    expect(source).toContain('pod->>api: retry (attempt 2): GET');
  });

  it('draws the AADSTS70021 failure with the assertion Entra saw, and no provider call', () => {
    const source = diagramOf(aadsts70021Failed());
    expect(source).toContain('entra--xpod: 400 AADSTS70021 no matching federated identity record (80 ms)');
    expect(source).toContain(`Note over entra: no FIC matches the assertion: iss=${ISSUER}, sub=${SUBJECT}, aud=api://AzureADTokenExchange`);
    expect(source).not.toContain('pod->>api');
  });

  it('parses with mermaid itself', async () => {
    for (const s of [happyPath(), tokenExpiredRecovered(), invalidTokenFailed(), rateLimitedRecovered(), aadsts70021Failed()]) {
      const parsed = await parseWithMermaid(diagramOf(s));
      expect(parsed.actors.map((a) => a.name)).toEqual(['kubelet', 'pod', 'entra', 'api']);
    }
  });
});

describe('traceToMermaid: hostile log text cannot break out', () => {
  const HOSTILE = 'x;\nkubelet->>api: injected #lt;b#gt; #35; <img src=x onerror=alert(1)></script> -->> %%{init: {"securityLevel":"loose"}}%% end\r\u2028Note over api: fake';

  // The happy path with every logged value that reaches the diagram replaced by hostile text.
  function hostileScenario(): Scenario {
    const s = happyPath('evil-1');
    const mutate = (text: string) => {
      const o = JSON.parse(text) as Record<string, unknown>;
      for (const key of ['podName', 'subject', 'clientId', 'scope', 'service', 'tenantId']) if (key in o) o[key] = `${String(o[key])}${HOSTILE}`;
      // in the query, so that the token endpoint stays the token endpoint
      for (const key of ['path', 'RequestPath']) if (key in o) o[key] = `${String(o[key])}${String(o[key]).includes('?') ? '&' : '?'}q=${HOSTILE}`;
      return JSON.stringify(o);
    };
    return { id: s.id, consumer: s.consumer.map(mutate), provider: s.provider.map(mutate) };
  }

  it('keeps every produced line a statement of the library', () => {
    const hostile = diagramOf(hostileScenario());
    expectOnlySafeStatements(hostile);
    expect(hostile.replace(/^( {2}\w+)(?:->>|-->>|--x)(\w+:)/gm, '$1$2')).not.toMatch(/[<>]/); // angle brackets only in our arrows
    expect(hostile).not.toContain('%%');
    expect(hostile).not.toContain('</script>');
    // the same statements as the benign trace: nothing added, nothing swallowed
    const shape = (source: string) =>
      source.split('\n').map((l) => /^(?:sequenceDiagram| {2}participant \w+| {2}Note over [\w,]+| {2}\w+(?:->>|-->>|--x)\w+)/.exec(l)?.[0]);
    expect(shape(hostile)).toEqual(shape(diagramOf(happyPath('evil-1'))));
  });

  it('mermaid reads the hostile text as text', async () => {
    const hostile = diagramOf(hostileScenario());
    const benign = await parseWithMermaid(diagramOf(happyPath('evil-1')));
    const parsed = await parseWithMermaid(hostile);
    expect(parsed.messages.length).toBe(benign.messages.length);
    expect(parsed.actors.map((a) => a.name)).toEqual(['kubelet', 'pod', 'entra', 'api']);
    const pod = parsed.actors.find((a) => a.name === 'pod')!;
    expect(pod.description).toContain('<img src=x onerror=alert(1)></script> -->> %%{init: {"securityLevel":"loose"}}%%');
    expect(pod.description).toContain('x; kubelet->>api: injected #lt;b#gt; #35;');
    const subjects = parsed.messages.filter((m) => m.message.includes('injected'));
    expect(subjects.length).toBeGreaterThan(2);
  });

  it('escapes and caps text, keeping surrogate pairs whole', () => {
    expect(escapeMermaidText('a;b#c<d>e%f&g"h{i}j\\k`l')).toBe('a#59;b#35;c#lt;d#gt;e#37;f#amp;g#quot;h#123;i#125;j#92;k#96;l');
    expect(escapeMermaidText('line1\r\nline2\u2028line3\u202e')).toBe('line1 line2 line3');
    expect(escapeMermaidText('😀'.repeat(50), 10)).toBe(`${'😀'.repeat(9)}…`);
    expect(escapeMermaidText('x'.repeat(100_000)).length).toBeLessThanOrEqual(400);
  });

  it('draws a trace without calls as a note', () => {
    const trace = buildTrace('q-1', scenarioLines({ id: 'q-1', consumer: [JSON.stringify({ msg: 'hello', correlationId: 'q-1' })], provider: [] }), { maxEvents: 10 });
    expect(traceToMermaid(trace)).toContain('Note over pod,api: no calls found in the lines of this trace');
  });
});

describe('genericFlowMermaid', () => {
  const input = { namespace: 'shop', serviceAccount: 'consumer', clientId: CLIENT_ID, tenantId: TENANT, issuer: ISSUER, audience: 'api://AzureADTokenExchange', scope: SCOPE };

  it('draws the real request Entra receives for this SA', async () => {
    const source = genericFlowMermaid(input);
    expectOnlySafeStatements(source);
    expect(source).toContain(`pod->>entra: POST https://login.microsoftonline.com/${TENANT}/oauth2/v2.0/token`);
    expect(source).toContain(`client_id=${CLIENT_ID}, scope=${SCOPE}`);
    expect(source).toContain('client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer, client_assertion=SA token');
    expect(source).toContain(`iss=${ISSUER}, sub=system:serviceaccount:shop:consumer, aud=api://AzureADTokenExchange`);
    expect(source).toContain(`GET ${ISSUER}.well-known/openid-configuration`);
    expect(source).not.toContain('AADSTS700212');
    await parseWithMermaid(source);
  });

  it('uses the authority host given and warns about a wrong audience', () => {
    const source = genericFlowMermaid({ ...input, audience: 'https://kubernetes.default.svc', authorityHost: 'https://login.microsoftonline.us', podName: 'consumer-1' });
    expect(source).toContain(`POST https://login.microsoftonline.us/${TENANT}/oauth2/v2.0/token`);
    expect(source).toContain('expect AADSTS700212');
    expect(source).toContain('participant pod as pod shop/consumer-1 (SA consumer)');
  });

  it('escapes hostile values', () => {
    const source = genericFlowMermaid({ ...input, serviceAccount: 'a;\nb->>c: x', issuer: 'https://x/<script>' });
    expectOnlySafeStatements(source);
    expect(source).not.toContain('<script>');
  });
});
