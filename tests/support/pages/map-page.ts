import type { Download, Page } from 'playwright-core';

/** Page object for /map: tests speak in what a user sees (labels, roles, headings). */
export class MapPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(query = ''): Promise<void> {
    await this.page.goto(`${this.baseUrl}/map${query}`);
    await this.page.getByRole('heading', { name: 'Identity map', level: 1 }).waitFor();
  }

  async grantClipboard(): Promise<void> {
    await this.page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: this.baseUrl });
  }

  /** The graph's container (an image with an accessible name); `data-state` says when it is drawn. */
  graph() {
    return this.page.getByRole('img', { name: /^Trust graph/ });
  }

  async waitForGraph(): Promise<void> {
    await this.page.locator('[data-testid="map-canvas"][data-state="ready"]').waitFor({ timeout: 30_000 });
  }

  /** How many of the graph's canvases have drawn at least one non-transparent pixel. */
  async paintedCanvases(): Promise<number> {
    return this.graph().evaluate((el) => {
      let painted = 0;
      for (const canvas of el.querySelectorAll('canvas')) {
        const ctx = canvas.getContext('2d');
        if (!ctx || canvas.width === 0 || canvas.height === 0) continue;
        const data = ctx.getImageData(0, 0, canvas.width, canvas.height).data;
        for (let i = 3; i < data.length; i += 4) {
          if (data[i]! > 0) {
            painted++;
            break;
          }
        }
      }
      return painted;
    });
  }

  search() {
    return this.page.getByRole('searchbox', { name: 'Search' });
  }

  /** The filters' status line: `All N nodes`, or `x of N nodes` once a filter narrows the map. */
  filterCount() {
    return this.page.getByTestId('filter-count');
  }

  /** The source callouts (a failed source's alert, or what a source could not read). */
  sourceCallout(source: 'cluster' | 'azure') {
    return this.page.locator(`[data-source="${source}"]`);
  }

  nodesTable() {
    return this.page.getByRole('table', { name: /^Nodes/ });
  }

  tableCount() {
    return this.page.getByTestId('table-count');
  }

  /** The row buttons (node names) the virtualized table currently renders. */
  rowNames() {
    return this.nodesTable().locator('tbody tr[data-node-id] button');
  }

  row(id: string) {
    return this.nodesTable().locator(`tbody tr[data-node-id="${id}"]`);
  }

  details() {
    return this.page.getByTestId('node-details');
  }

  detailsTitle() {
    return this.page.locator('#node-details-title');
  }

  clusterDetails() {
    return this.page.getByTestId('cluster-details');
  }

  /** The note of details whose node (or cluster) the filters keep out of the graph and the table. */
  hiddenNote() {
    return this.page.getByTestId('focus-hidden');
  }

  /** What the URL held that the filters ignore (`?kind=bogus`). */
  ignoredParams() {
    return this.page.getByTestId('ignored-params');
  }

  namespaceFilter() {
    return this.page.getByRole('combobox', { name: 'Namespace' });
  }

  kindFilter(label: string) {
    return this.page.getByRole('checkbox', { name: label, exact: true });
  }

  /** The focused element's id (or tag name when it has none): where focus went. */
  async focusedId(): Promise<string | undefined> {
    return this.page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);
  }

  /** True when the details' heading is on screen (its top within the viewport). */
  /** The details' close button (top right of the card, above the heading) is inside the viewport. */
  async detailsCloseInView(): Promise<boolean> {
    return this.page.getByRole('button', { name: 'Close details' }).evaluate((el) => {
      const { top, bottom } = el.getBoundingClientRect();
      return top >= 0 && bottom <= window.innerHeight;
    });
  }

  async detailsTitleInView(): Promise<boolean> {
    return this.detailsTitle().evaluate((el) => {
      const { top, bottom } = el.getBoundingClientRect();
      return top >= 0 && bottom <= window.innerHeight;
    });
  }

  findings() {
    return this.page.getByRole('region', { name: /^Findings \d/ });
  }

  findingsGroup(title: 'Errors' | 'Warnings' | 'Info') {
    return this.findings().getByRole('region', { name: new RegExp(`^${title}`) });
  }

  alerts() {
    return this.page.getByRole('alert');
  }

  async download(button: 'Whole map (JSON)' | 'Visible graph (PNG)' | 'Visible graph (SVG)'): Promise<Download> {
    const [download] = await Promise.all([this.page.waitForEvent('download'), this.page.getByRole('button', { name: button }).click()]);
    return download;
  }

  /** Durations (ms) of the page's own performance measures with this name. */
  async measures(name: string): Promise<number[]> {
    return this.page.evaluate((n) => performance.getEntriesByName(n, 'measure').map((m) => m.duration), name);
  }
}
