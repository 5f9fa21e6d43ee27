import { describe, expect, it } from 'vitest';
import { annotateServiceAccountCommand, createFicCommands, ficNameFor, shellCommand, shellQuote, shellVariable, workloadOf } from '@/lib/domain/fix-commands';
import { expressionMatchesSubject, valueDifference } from '@/lib/domain/fic-matching';
import { unreachableIssuerReason } from '@/lib/domain/oidc-issuer';
import { ISSUER, aPod } from './domain-factories';

describe('shell quoting', () => {
  it('leaves safe words bare and single-quotes the rest, escaping quotes', () => {
    expect(shellQuote('api://AzureADTokenExchange')).toBe('api://AzureADTokenExchange');
    expect(shellQuote('a b')).toBe(`'a b'`);
    expect(shellQuote(`it's $HOME`)).toBe(`'it'\\''s $HOME'`);
    expect(shellQuote('')).toBe(`''`);
    expect(shellCommand(['echo', shellVariable('X'), '; rm -rf /'])).toBe(`echo "$X" '; rm -rf /'`);
  });

  it('keeps a variable in an annotation expandable', () => {
    expect(annotateServiceAccountCommand('shop', 'checkout', 'azure.workload.identity/client-id', shellVariable('CLIENT_ID'))).toBe(
      'kubectl annotate serviceaccount -n shop checkout azure.workload.identity/client-id="$CLIENT_ID" --overwrite',
    );
  });

  it('looks the identity up first when only its client ID is known', () => {
    const commands = createFicCommands({ kind: 'unknown', clientId: 'abc' }, { name: 'n1', issuer: ISSUER, subject: 'system:serviceaccount:a:b', audiences: ['api://AzureADTokenExchange'] });
    expect(commands[0]).toBe(`IDENTITY_NAME=$(az identity list --query '[?clientId=='\\''abc'\\''] | [0].name' -o tsv)`);
    expect(commands[2]).toContain('--identity-name "$IDENTITY_NAME" --resource-group "$RESOURCE_GROUP"');
  });

  it('makes FIC names Azure accepts', () => {
    expect(ficNameFor('aks.prod', 'shop', 'checkout')).toBe('aks-prod-shop-checkout');
    expect(ficNameFor('-x')).toMatch(/^[a-zA-Z0-9][a-zA-Z0-9-_]{2,119}$/);
    expect(ficNameFor('a'.repeat(200))).toHaveLength(120);
  });
});

describe('workloadOf', () => {
  it('derives a Deployment from <deployment>-<pod-template-hash>-<suffix>', () => {
    expect(workloadOf(aPod({ name: 'orders-api-7d9f8b6c5d-x2x4z', labels: { 'pod-template-hash': '7d9f8b6c5d' } }))).toEqual({ kind: 'deployment', name: 'orders-api' });
    expect(workloadOf(aPod({ name: 'orders-api-7d9f8b6c5d-x2x4z', labels: {} }))).toEqual({ kind: 'deployment', name: 'orders-api' });
  });

  it('derives StatefulSets and DaemonSets from their labels, and nothing for a bare pod', () => {
    expect(workloadOf(aPod({ name: 'db-2', labels: { 'statefulset.kubernetes.io/pod-name': 'db-2' } }))).toEqual({ kind: 'statefulset', name: 'db' });
    expect(workloadOf(aPod({ name: 'agent-x7k2p', labels: { 'pod-template-generation': '3' } }))).toEqual({ kind: 'daemonset', name: 'agent' });
    expect(workloadOf(aPod({ name: 'debug', labels: {} }))).toBeUndefined();
  });
});

describe('FIC matching helpers', () => {
  it('names how two values differ', () => {
    expect(valueDifference(ISSUER, ISSUER)).toBeUndefined();
    expect(valueDifference(ISSUER, ISSUER.slice(0, -1))).toBe('trailing-slash');
    expect(valueDifference('system:serviceaccount:a:b', 'system:serviceaccount:A:b')).toBe('case');
    expect(valueDifference('x', ' x')).toBe('whitespace');
    expect(valueDifference('x', 'y')).toBe('different');
  });

  it('evaluates the claims-matching expressions it understands and refuses to guess the rest', () => {
    expect(expressionMatchesSubject("claims['sub'] matches 'system:serviceaccount:shop:*'", 'system:serviceaccount:shop:checkout')).toBe(true);
    expect(expressionMatchesSubject("claims['sub'] matches 'system:serviceaccount:shop:*'", 'system:serviceaccount:web:x')).toBe(false);
    expect(expressionMatchesSubject("claims['sub'] eq 'a' and claims['sub'] matches 'a?'", 'a')).toBe(false);
    expect(expressionMatchesSubject("claims['aud'] eq 'x'", 'a')).toBeUndefined();
  });
});

describe('unreachableIssuerReason', () => {
  it('accepts public https issuers and rejects internal, http, private and loopback ones', () => {
    expect(unreachableIssuerReason(ISSUER)).toBeUndefined();
    expect(unreachableIssuerReason('https://oidc.example.com/cluster-1')).toBeUndefined();
    for (const bad of ['https://kubernetes.default.svc.cluster.local', 'http://oidc.example.com/', 'https://192.168.1.10/', 'https://[::1]/', 'https://kubernetes/', 'not a url']) {
      expect(unreachableIssuerReason(bad), bad).toBeDefined();
    }
  });
});
