import { describe, expect, it } from 'vitest';
import { sampleKeys } from '@/lib/sample/keys';
import { SAMPLE_PREFIX_SIBLING, SAMPLE_TRACES, sampleLogLines } from '@/lib/sample/logs';
import { LEGACY_CLUSTER, LEGACY_ISSUER, SAMPLE_CLUSTER, SAMPLE_ISSUER, SAMPLE_TENANT_ID, sampleWorld } from '@/lib/sample/world';
import { SampleAzureSource } from '@/lib/sources/azure/sample-azure-source';
import { SampleClusterSource } from '@/lib/sources/cluster/sample-cluster-source';
import { SampleLogSource } from '@/lib/sources/logs/sample-log-source';

const NOW = new Date('2025-03-05T08:09:10.000Z');
const OTHER_TENANT = '72f988bf-86f1-41af-91ab-2d7cd011db47';

describe('SampleClusterSource', () => {
  const source = new SampleClusterSource(() => NOW);

  it('lists the world with the runtime JWKS on the cluster whose issuer is public', async () => {
    const snapshot = await source.list();
    expect(source.mode).toBe('sample');
    const { cluster } = await sampleKeys();
    expect(snapshot.clusters.find((c) => c.name === SAMPLE_CLUSTER)!.jwks).toEqual(cluster.jwks);
    expect(snapshot.clusters.find((c) => c.name === LEGACY_CLUSTER)!.jwks).toBeUndefined();
    const world = sampleWorld().cluster;
    expect(snapshot.serviceAccounts).toEqual(world.serviceAccounts);
    expect(snapshot.pods).toEqual(world.pods);
  });

  it('answers jwksFor only for the exact issuer of the sample cluster', async () => {
    expect(await source.jwksFor(SAMPLE_ISSUER)).toEqual((await sampleKeys()).cluster.jwks);
    expect(await source.jwksFor(SAMPLE_ISSUER.slice(0, -1))).toBeUndefined();
    expect(await source.jwksFor(LEGACY_ISSUER)).toBeUndefined();
    expect(await source.jwksFor('https://evil.example/')).toBeUndefined();
  });
});

describe('SampleAzureSource', () => {
  const source = new SampleAzureSource();

  it('lists the sample tenant', async () => {
    expect(source.mode).toBe('sample');
    expect(await source.list()).toEqual(sampleWorld().azure);
  });

  it("vouches for the sample tenant's v1 and v2 issuers only", async () => {
    const { entra } = await sampleKeys();
    expect(await source.localEntraJwksFor(`https://sts.windows.net/${SAMPLE_TENANT_ID}/`)).toEqual(entra.jwks);
    expect(await source.localEntraJwksFor(`https://login.microsoftonline.com/${SAMPLE_TENANT_ID}/v2.0`)).toEqual(entra.jwks);
    expect(await source.localEntraJwksFor(`https://login.microsoftonline.com/${OTHER_TENANT}/v2.0`)).toBeUndefined();
    expect(await source.localEntraJwksFor(`https://sts.windows.net/${OTHER_TENANT}/`)).toBeUndefined();
    expect(await source.localEntraJwksFor(SAMPLE_ISSUER)).toBeUndefined();
  });
});

describe('SampleLogSource', () => {
  const happy = SAMPLE_TRACES[0]!.correlationId;

  it('finds the lines holding the ID as a whole token, not those of an ID that extends it', async () => {
    const source = new SampleLogSource(() => NOW);
    expect([source.kind, source.label]).toEqual(['sample', 'sample']);
    const { lines, truncated } = await source.search(happy, { maxLines: 1000 });
    expect(truncated).toBe(false);
    expect(lines.length).toBeGreaterThan(5);
    expect(lines.every((l) => l.text.includes(happy))).toBe(true);
    expect(lines.some((l) => l.text.includes(SAMPLE_PREFIX_SIBLING.correlationId))).toBe(false);
    const sibling = await source.search(SAMPLE_PREFIX_SIBLING.correlationId, { maxLines: 1000 });
    expect(sibling.lines.length).toBeGreaterThan(0);
    expect(sibling.lines.every((l) => l.text.includes(SAMPLE_PREFIX_SIBLING.correlationId))).toBe(true);
    expect((await source.search('c0ffee00', { maxLines: 1000 })).lines).toEqual([]);
    expect((await source.search('no-such-id', { maxLines: 1000 })).lines).toEqual([]);
  });

  it('caps a search and says so', async () => {
    const source = new SampleLogSource(() => NOW);
    const { lines, truncated } = await source.search(happy, { maxLines: 2 });
    expect(lines).toHaveLength(2);
    expect(truncated).toBe(true);
  });

  it('returns the most recent lines, newest last, with their times fixed at first use', async () => {
    let clock = NOW;
    const source = new SampleLogSource(() => clock);
    const all = sampleLogLines(NOW);
    const recent = await source.recent({ maxLines: 5 });
    expect(recent).toEqual({ lines: all.slice(-5), truncated: true });
    clock = new Date(NOW.getTime() + 3_600_000);
    expect((await source.recent({ maxLines: all.length })).lines).toEqual(all);
    expect((await source.recent({ maxLines: all.length + 10 })).truncated).toBe(false);
    expect((await source.recent({ maxLines: 0 })).lines).toEqual([]);
  });

  it('stops when the caller aborts', async () => {
    const source = new SampleLogSource(() => NOW);
    const controller = new AbortController();
    controller.abort();
    await expect(source.search(happy, { maxLines: 10, signal: controller.signal })).rejects.toThrow();
  });
});
