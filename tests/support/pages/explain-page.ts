import type { Page } from 'playwright-core';

/** Page object for /explain: paste, explain, read the verdict, the candidates and the fix. */
export class ExplainPage {
  constructor(
    readonly page: Page,
    private readonly baseUrl: string,
  ) {}

  async open(): Promise<void> {
    await this.page.goto(`${this.baseUrl}/explain`);
    await this.errorText().waitFor();
  }

  errorText() {
    return this.page.getByLabel('Error text');
  }

  async explain(text: string): Promise<void> {
    await this.errorText().fill(text);
    await this.page.getByRole('button', { name: 'Explain' }).click();
  }

  /** Keyboard only: Tab from the text box to the Explain button and press Enter. */
  async explainByKeyboard(text: string): Promise<void> {
    await this.errorText().fill(text);
    await this.errorText().focus();
    await this.page.keyboard.press('Tab');
    await this.page.keyboard.press('Enter');
  }

  /** Paste and submit from the text box with Ctrl+Enter (or Meta+Enter, the Mac's Cmd+Enter). */
  async explainWithShortcut(text: string, modifier: 'Control' | 'Meta' = 'Control'): Promise<void> {
    await this.errorText().fill(text);
    await this.errorText().press(`${modifier}+Enter`);
  }

  async clear(): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear' }).click();
  }

  /** The polite status line that announces the result (focus stays where the user was). */
  status() {
    // By test id: each fix command's Copy button has a status region of its own.
    return this.page.getByTestId('explain-status');
  }

  /** The highlighted (differing) parts of a candidate's presented and configured value of a field. */
  async highlights(name: string, field: 'issuer' | 'subject' | 'audience'): Promise<{ presented: string[]; configured: string[] }> {
    const row = this.page.locator(`tr[data-candidate="${name}"][data-field="${field}"]`);
    const marks = (side: string) => row.locator(`[data-side="${side}"] mark`).allTextContents();
    return { presented: await marks('presented'), configured: await marks('configured') };
  }

  async trySample(): Promise<void> {
    await this.page.getByRole('button', { name: "Try the sample world's error" }).click();
  }

  verdict() {
    return this.page.getByTestId('verdict').textContent();
  }

  /** Everything the page says (summary, tables, fix). */
  async text(): Promise<string> {
    return (await this.page.locator('main').textContent()) ?? '';
  }

  presentedRow(field: 'issuer' | 'subject' | 'audience') {
    return this.page.locator(`tr[data-presented="${field}"]`);
  }

  /** Credential names of the candidate table, nearest first. */
  async candidateNames(): Promise<string[]> {
    const names = await this.page.locator('tr[data-candidate]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-candidate')));
    return [...new Set(names.filter((n): n is string => n !== null))];
  }

  candidateRow(name: string) {
    return this.page.locator(`tr[data-candidate="${name}"]`).first();
  }

  fixCommands() {
    return this.page.locator('pre').allTextContents();
  }

  alert() {
    return this.page.locator('p[role="alert"]');
  }
}
