import type { Page, Request } from 'playwright-core';

export interface LoggedRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
}

/** Records every request a page makes, with what it carried (for "no request carries the token"). */
export class RequestLog {
  readonly requests: LoggedRequest[] = [];

  constructor(page: Page) {
    page.on('request', (request: Request) => {
      this.requests.push({ url: request.url(), headers: request.headers(), body: request.postData() ?? '' });
    });
  }

  /** Requests that carried `secret` anywhere: URL, headers or body. */
  carrying(secret: string): LoggedRequest[] {
    return this.requests.filter((r) => r.url.includes(secret) || r.body.includes(secret) || Object.values(r.headers).some((v) => v.includes(secret)));
  }
}
