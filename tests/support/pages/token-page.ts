import type { Page } from 'playwright-core';
import { type LoggedRequest, RequestLog } from '../request-log';

/** Page object for /tokens: tests speak in what a user sees (labels, roles), not in selectors. */
export class TokenPage {
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

  async open(fragment = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/tokens${fragment}`);
    await this.page.getByLabel('Token', { exact: true }).waitFor();
  }

  tokenBox() {
    return this.page.getByLabel('Token', { exact: true });
  }

  async paste(token: string): Promise<void> {
    await this.tokenBox().fill(token);
  }

  async pickSample(label: string): Promise<void> {
    await this.page.getByRole('group', { name: 'Sample tokens' }).getByRole('button', { name: label, exact: true }).click();
  }

  type() {
    return this.page.getByTestId('token-type');
  }

  signature() {
    return this.page.getByTestId('signature-status');
  }

  alert() {
    return this.page.getByRole('alert').first();
  }

  /** Requests that carried `secret` anywhere: URL, headers or body. */
  requestsCarrying(secret: string) {
    return this.log.carrying(secret);
  }
}
