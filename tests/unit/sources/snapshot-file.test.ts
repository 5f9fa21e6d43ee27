import { describe, expect, it } from 'vitest';
import { unusableSnapshotFile, withLineAndColumn } from '@/lib/sources/snapshot-file';
import { SourceError } from '@/lib/sources/source-error';

describe('withLineAndColumn', () => {
  it("adds the line and column an editor shows to JSON.parse's position", () => {
    const text = '{\n  "items": [\n    {"kind": "Pod",}\n  ]\n}';
    const message = (() => {
      try {
        JSON.parse(text);
      } catch (error) {
        return (error as Error).message;
      }
      return '';
    })();
    const position = Number(/at position (\d+)/.exec(message)![1]);
    expect(text[position]).toBe('}');
    expect(withLineAndColumn(message, text)).toBe(`${message} (line 3, column 20)`);
  });

  it('leaves a message without a position, or with its line already, as it is', () => {
    expect(withLineAndColumn('Unexpected end of JSON input', '[')).toBe('Unexpected end of JSON input');
    expect(withLineAndColumn('x at position 3 (line 1 column 4)', '{}{}')).toBe('x at position 3 (line 1 column 4)');
    // Node 22 says the line itself; a position of several digits must not be split to find room for ours.
    expect(withLineAndColumn('x at position 24 (line 3 column 5)', '{}'.repeat(20))).toBe('x at position 24 (line 3 column 5)');
    expect(withLineAndColumn('x at position 24', `${'{}'.repeat(10)}\n{}{}`)).toBe('x at position 24 (line 2, column 4)');
  });
});

describe('unusableSnapshotFile', () => {
  it('names the file once, by its name in the snapshot, and says why in parentheses', () => {
    const error = new SourceError('invalid-response:cluster', 'Snapshot file /snap/jwks.json is not what `kubectl get --raw /openid/v1/jwks` writes: at $.keys: expected array.');
    expect(unusableSnapshotFile('jwks.json', '/snap/jwks.json', error)).toBe('a usable jwks.json (it is not what `kubectl get --raw /openid/v1/jwks` writes: at $.keys: expected array)');
    expect(unusableSnapshotFile('jwks.json', '/snap/jwks.json', new SourceError('failed:cluster', 'Cannot read snapshot file /snap/jwks.json: EACCES'))).toBe(
      'a usable jwks.json (Cannot read snapshot file /snap/jwks.json: EACCES)',
    );
  });
});
