// Child process of the map benchmark: the raw HTTP transfer baseline. Fetches the same pages the
// sources read, over loopback with plain `fetch`, in its own process (as next-server is), so the
// stand-ins in the parent do not share an event loop with the reader. Reads a TransferPlan as
// JSON on stdin and prints TransferResult as JSON on stdout.

export interface TransferStep {
  name: string;
  urls: string[];
  /** Requests in flight at once within this step (1 = page after page, as `continue`/`nextLink` force). */
  concurrency: number;
}

export interface TransferPlan {
  headers: Record<string, string>;
  /** Lanes run in parallel (as the sources do); the steps of one lane run one after another. */
  lanes: TransferStep[][];
  runs: number;
}

export interface TransferTiming {
  /** Median wall time of the runs in ms. */
  ms: number;
  bytes: number;
  requests: number;
}

export interface TransferResult {
  /** Every page one after another, body read as bytes. */
  sequentialRead: TransferTiming;
  /** Every page one after another, body read and JSON.parse'd. */
  sequentialParse: TransferTiming;
  /** The sources' shape: lanes in parallel, each step with its concurrency; body read as bytes. */
  shapedRead: TransferTiming;
  /** The same with JSON.parse of every body. */
  shapedParse: TransferTiming;
  /** Per step, median ms of the sequential read runs. */
  steps: Record<string, TransferTiming>;
}

async function fetchOne(url: string, headers: Record<string, string>, parse: boolean): Promise<number> {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`${url} answered ${response.status}`);
  if (parse) {
    const text = await response.text();
    JSON.parse(text);
    return Buffer.byteLength(text);
  }
  return (await response.arrayBuffer()).byteLength;
}

async function runStep(step: TransferStep, headers: Record<string, string>, parse: boolean, concurrency = step.concurrency): Promise<number> {
  let bytes = 0;
  let next = 0;
  const worker = async () => {
    while (next < step.urls.length) {
      const url = step.urls[next++]!;
      bytes += await fetchOne(url, headers, parse);
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, step.urls.length) }, worker));
  return bytes;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)]!;
const requestsOf = (plan: TransferPlan) => plan.lanes.flat().reduce((n, s) => n + s.urls.length, 0);

async function timed(plan: TransferPlan, once: () => Promise<number>): Promise<TransferTiming> {
  const times: number[] = [];
  let bytes = 0;
  for (let r = 0; r < plan.runs; r++) {
    const t0 = performance.now();
    bytes = await once();
    times.push(performance.now() - t0);
  }
  return { ms: median(times), bytes, requests: requestsOf(plan) };
}

async function measure(plan: TransferPlan): Promise<TransferResult> {
  const { headers } = plan;
  const sequential = (parse: boolean) => async () => {
    let bytes = 0;
    for (const step of plan.lanes.flat()) bytes += await runStep(step, headers, parse, 1);
    return bytes;
  };
  const shaped = (parse: boolean) => async () => {
    const perLane = await Promise.all(
      plan.lanes.map(async (lane) => {
        let bytes = 0;
        for (const step of lane) bytes += await runStep(step, headers, parse);
        return bytes;
      }),
    );
    return perLane.reduce((a, b) => a + b, 0);
  };
  await sequential(false)(); // warm the connection pool and the JIT
  const steps: Record<string, TransferTiming> = {};
  for (const step of plan.lanes.flat()) {
    const times: number[] = [];
    let bytes = 0;
    for (let r = 0; r < plan.runs; r++) {
      const t0 = performance.now();
      bytes = await runStep(step, headers, false, 1);
      times.push(performance.now() - t0);
    }
    steps[step.name] = { ms: median(times), bytes, requests: step.urls.length };
  }
  return {
    sequentialRead: await timed(plan, sequential(false)),
    sequentialParse: await timed(plan, sequential(true)),
    shapedRead: await timed(plan, shaped(false)),
    shapedParse: await timed(plan, shaped(true)),
    steps,
  };
}

async function main() {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const plan = JSON.parse(Buffer.concat(chunks).toString('utf8')) as TransferPlan;
  process.stdout.write(JSON.stringify(await measure(plan)));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
