// Third-party SVG (a mermaid diagram) in a page whose Content-Security-Policy allows no inline
// styles: markup `style="…"` attributes and `<style>` elements without the page's nonce are
// refused, and Chromium checks the policy even while markup is parsed into an inert document
// (DOMParser, as DOMPurify inside mermaid does). Styles set through the CSSOM and `<style>`
// elements carrying the nonce are allowed. So:
// - while the library renders, `<style>` elements it creates get the nonce, `setAttribute('style')`
//   goes through the CSSOM, and markup it parses has its style attributes renamed to
//   `data-csp-style` and its `<style>` blocks taken out (kept as `stylesheets`);
// - the resulting SVG is mounted with those attributes set again through `element.style` and the
//   stylesheets added as nonce'd `<style>` elements.

const SVG_NS = 'http://www.w3.org/2000/svg';
const STYLE_BLOCK = /<style\b[^>]*>([\s\S]*?)<\/style>/g;

/** Text of a serialised `<style>` in SVG: the HTML serialiser escaped &, <, > and no-break spaces. */
const unescapeText = (text: string) => text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&nbsp;/g, '\u00a0').replace(/&amp;/g, '&');

/**
 * Rewrites serialised markup so that parsing it applies no inline style: style attributes become
 * `data-csp-style` (serialised markup always quotes attribute values with ", escaping a " inside as
 * &quot;) and `<style>` blocks are removed, their CSS appended to `stylesheets`.
 */
export function neutraliseStyles(markup: string, stylesheets: string[], scope?: string): string {
  return markup
    .replace(STYLE_BLOCK, (_, css: string) => {
      const text = unescapeText(css).trim();
      // Only the library's own stylesheet (mermaid scopes every rule with `#<diagram id>`) is kept
      // and later trusted with the nonce; any other <style> in parsed markup is dropped.
      if (text && (scope === undefined || text.startsWith(`#${scope}`))) stylesheets.push(text);
      return '';
    })
    .replace(/(\s)style="/g, '$1data-csp-style="');
}

/**
 * Parses `svg` and mounts it as the only child of `container`, with `stylesheets` (from
 * renderUnderCsp) nonce'd inside it.
 */
export function mountSvg(container: HTMLElement, svg: string, nonce: string | undefined, stylesheets: readonly string[] = []): void {
  const sheets = [...stylesheets];
  // What is left in the final SVG is kept only when it is the diagram's own (scoped by its id).
  const scope = /<svg\b[^>]*\bid="([^"]+)"/.exec(svg)?.[1] ?? '\u0000';
  const parsed = new DOMParser().parseFromString(neutraliseStyles(svg, sheets, scope), 'image/svg+xml');
  const root = parsed.documentElement;
  if (!root || root.localName !== 'svg' || parsed.getElementsByTagName('parsererror').length) {
    throw new Error('The diagram is not a well-formed SVG document.');
  }
  for (const script of Array.from(root.getElementsByTagName('script'))) script.remove();
  const imported = document.importNode(root, true) as unknown as SVGSVGElement;
  for (const element of [imported, ...Array.from(imported.querySelectorAll('[data-csp-style]'))] as Array<SVGElement | HTMLElement>) {
    const value = element.getAttribute('data-csp-style');
    if (value === null) continue;
    element.removeAttribute('data-csp-style');
    element.style.cssText = value;
  }
  if (nonce) {
    for (const css of sheets) {
      const style = document.createElementNS(SVG_NS, 'style') as SVGStyleElement;
      style.nonce = nonce;
      style.textContent = css;
      imported.insertBefore(style, imported.firstChild);
    }
  }
  container.replaceChildren(imported);
}

/**
 * Runs `work` (a library that builds SVG in the live document, like mermaid.render) under the
 * patches described above; they are undone when `work` settles. Returns the CSS of the `<style>`
 * blocks taken out of parsed markup: pass it to mountSvg.
 */
export async function renderUnderCsp<T>(nonce: string | undefined, scope: string, work: () => Promise<T>): Promise<{ result: T; stylesheets: string[] }> {
  const stylesheets: string[] = [];
  const createElement = document.createElement;
  const createElementNS = document.createElementNS;
  const setAttribute = Element.prototype.setAttribute;
  const parseFromString = DOMParser.prototype.parseFromString;
  const stamp = <E extends Element>(element: E): E => {
    if (nonce && element.localName === 'style') (element as unknown as HTMLElement).nonce = nonce;
    return element;
  };
  document.createElement = function (this: Document, ...args: Parameters<Document['createElement']>) {
    return stamp(createElement.apply(this, args));
  } as Document['createElement'];
  document.createElementNS = function (this: Document, ...args: [string | null, string]) {
    return stamp(createElementNS.apply(this, args as never) as Element);
  } as Document['createElementNS'];
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (name.toLowerCase() === 'style' && 'style' in this) {
      (this as HTMLElement).style.cssText = String(value);
      return;
    }
    setAttribute.call(this, name, value);
  };
  DOMParser.prototype.parseFromString = function (this: DOMParser, markup: string, type: DOMParserSupportedType) {
    return parseFromString.call(this, neutraliseStyles(String(markup), stylesheets, scope), type);
  } as DOMParser['parseFromString'];
  try {
    return { result: await work(), stylesheets };
  } finally {
    document.createElement = createElement;
    document.createElementNS = createElementNS;
    Element.prototype.setAttribute = setAttribute;
    DOMParser.prototype.parseFromString = parseFromString;
  }
}
