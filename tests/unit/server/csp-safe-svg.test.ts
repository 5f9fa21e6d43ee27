import { describe, expect, it } from 'vitest';
import { neutraliseStyles } from '@/components/shell/csp-safe-svg';

describe('neutraliseStyles', () => {
  it('takes <style> blocks out (unescaped) and renames style attributes', () => {
    const sheets: string[] = [];
    const svg = '<svg id="m1" style="max-width: 300px;"><style>#m1 .actor{fill:#eaeaea;} #m1 &gt; g{stroke:&amp;x}</style><g style="a: b"><text>style="not an attribute"</text></g></svg>';
    const out = neutraliseStyles(svg, sheets);
    expect(sheets).toEqual(['#m1 .actor{fill:#eaeaea;} #m1 > g{stroke:&x}']);
    expect(out).toBe('<svg id="m1" data-csp-style="max-width: 300px;"><g data-csp-style="a: b"><text>style="not an attribute"</text></g></svg>');
    expect(out).not.toMatch(/<style|\sstyle="/);
  });
});

describe('neutraliseStyles with a scope', () => {
  it('keeps only the stylesheet scoped to the diagram', () => {
    const sheets: string[] = [];
    neutraliseStyles('<svg id="m1"><style>#m1 .a{fill:red}</style><style>body{background:url(//evil)}</style></svg>', sheets, 'm1');
    expect(sheets).toEqual(['#m1 .a{fill:red}']);
  });
});
