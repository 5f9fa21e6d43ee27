import 'server-only';
import { sampleLogLines } from '@/lib/sample/logs';
import { findIdOccurrence } from './id-occurrence';
import type { LogSearchOptions, LogSearchResult, LogSource, RawLogLine } from './log-source';

// The built-in sample logs (lib/sample/logs.ts). Their times are offsets before the first use of
// this source, fixed from then on: a trace keeps its timestamps between the list and its page.

export class SampleLogSource implements LogSource {
  readonly kind = 'sample';
  readonly label = 'sample';
  private lines: RawLogLine[] | undefined;

  constructor(private readonly now: () => Date = () => new Date()) {}

  private all(): RawLogLine[] {
    this.lines ??= sampleLogLines(this.now());
    return this.lines;
  }

  async search(correlationId: string, options: LogSearchOptions): Promise<LogSearchResult> {
    options.signal?.throwIfAborted();
    const max = Math.max(0, Math.floor(options.maxLines));
    // Whole-token match, as the file source does: `abc-1` never pulls in the lines of `abc-12`.
    const matching = this.all().filter((line) => findIdOccurrence(line.text, correlationId) >= 0);
    return { lines: matching.slice(0, max), truncated: matching.length > max };
  }

  async recent(options: LogSearchOptions): Promise<LogSearchResult> {
    options.signal?.throwIfAborted();
    const max = Math.max(0, Math.floor(options.maxLines));
    const all = this.all();
    return { lines: max === 0 ? [] : all.slice(-max), truncated: all.length > max };
  }
}
