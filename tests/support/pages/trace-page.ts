import type { Download, Page } from 'playwright-core';
import { type LoggedRequest, RequestLog } from '../request-log';

/** Page object for /traces, /traces/<id> and /flow: tests speak in labels and roles, not selectors. */
export class TracePage {
  /** Every request the page made, with what it carried. */
  private readonly log: RequestLog;

  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {
    this.log = new RequestLog(page);
  }

  get requests(): LoggedRequest[] {
    return this.log.requests;
  }

  async openList(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/traces${query}`);
    await this.searchBox().waitFor();
  }

  async openTrace(correlationId: string): Promise<void> {
    await this.page.goto(`${this.baseUrl}/traces/${correlationId}`);
  }

  async openFlow(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/flow${query}`);
  }

  searchBox() {
    return this.page.getByLabel('Correlation ID', { exact: true });
  }

  async search(correlationId: string): Promise<void> {
    await this.searchBox().fill(correlationId);
    await this.page.getByRole('button', { name: 'Search', exact: true }).click();
  }

  /** The first alert of the page content (Next's route announcer is an alert too, outside main). */
  alert() {
    return this.alerts().first();
  }

  alerts() {
    return this.page.getByRole('main').getByRole('alert');
  }

  /** Rows of the recent-traces table (each carries data-correlation-id and data-outcome). */
  listRows() {
    return this.page.locator('table.traces-table tbody tr');
  }

  async listedOutcomes(): Promise<Array<{ id: string; outcome: string }>> {
    return this.listRows().evaluateAll((rows) => rows.map((r) => ({ id: r.getAttribute('data-correlation-id') ?? '', outcome: r.getAttribute('data-outcome') ?? '' })));
  }

  async filterByOutcome(label: 'All' | 'Success' | 'Recovered' | 'Failed'): Promise<void> {
    await this.page.getByRole('navigation', { name: 'Filter by outcome' }).getByRole('link', { name: label, exact: true }).click();
  }

  heading() {
    return this.page.getByRole('heading', { level: 1 });
  }

  outcomeBadge() {
    return this.page.locator('[aria-labelledby="trace-summary-title"] [data-outcome]');
  }

  /** The lanes of the timeline, one per service (each is a list of event markers). */
  timelineLanes() {
    return this.page.getByRole('group', { name: /^Timeline over/ }).getByRole('list');
  }

  eventRows() {
    return this.page.locator('table.events-table tbody tr.event-row');
  }

  sequenceSvg() {
    return this.page.getByTestId('sequence-diagram').locator('svg').first();
  }

  async showSecrets(on: boolean): Promise<void> {
    await this.page.getByLabel('Show secrets').setChecked(on);
  }

  async exportTrace(): Promise<Download> {
    const download = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
    return download;
  }

  async importFile(path: string): Promise<void> {
    await this.page.getByLabel('Open an exported trace').setInputFiles(path);
  }

  /** Requests that carried `secret` anywhere: URL, headers or body. */
  requestsCarrying(secret: string) {
    return this.log.carrying(secret);
  }
}
