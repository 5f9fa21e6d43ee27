import { describe, expect, it } from 'vitest';
import { parseEntraError } from '@/lib/domain/aadsts';
import { assertionErrorText } from '@/lib/tokens/assertion-text';

const ISSUER = 'https://westeurope.oic.prod-aks.azure.com/tenant/cluster/';
const SUBJECT = 'system:serviceaccount:shop:cart';

describe('assertionErrorText', () => {
  it("words the token's claims as AADSTS70021 quotes them, which the error parser reads back", () => {
    const text = assertionErrorText({ iss: ISSUER, sub: SUBJECT, aud: ['api://AzureADTokenExchange'] })!;
    const { codes, parsed } = parseEntraError(text);
    expect(codes).toEqual(['AADSTS70021']);
    expect(parsed).toMatchObject({ issuer: ISSUER, subject: SUBJECT, audience: 'api://AzureADTokenExchange' });
  });

  it('quotes the token-exchange audience among several, else the first', () => {
    expect(parseEntraError(assertionErrorText({ iss: ISSUER, sub: SUBJECT, aud: ['https://kubernetes.default.svc', 'api://AzureADTokenExchange'] })!).parsed.audience).toBe('api://AzureADTokenExchange');
    expect(parseEntraError(assertionErrorText({ iss: ISSUER, sub: SUBJECT, aud: 'https://kubernetes.default.svc' })!).parsed.audience).toBe('https://kubernetes.default.svc');
    expect(parseEntraError(assertionErrorText({ iss: ISSUER, sub: SUBJECT })!).parsed.audience).toBeUndefined();
  });

  it('gives nothing without a string issuer and subject, or with a quote inside a value', () => {
    expect(assertionErrorText({ sub: SUBJECT })).toBeUndefined();
    expect(assertionErrorText({ iss: ISSUER, sub: 42 })).toBeUndefined();
    expect(assertionErrorText({ iss: ' ', sub: SUBJECT })).toBeUndefined();
    expect(assertionErrorText({ iss: ISSUER, sub: "system:serviceaccount:shop:it's" })).toBeUndefined();
    // Not a service account's subject: no advice that would federate it.
    expect(assertionErrorText({ iss: ISSUER, sub: 'checkout' })).toBeUndefined();
  });
});
