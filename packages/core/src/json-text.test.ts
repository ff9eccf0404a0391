import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanObjectMembers, validatingScan } from './json-text.js';

describe('cutting members out of a JSON object', () => {
  it('the fast slicer and the validating scanner agree on every object, however it is spaced', () => {
    const pretty = fc.constantFrom(undefined, 0, 1, 2, '\t');
    fc.assert(
      fc.property(fc.dictionary(fc.string(), fc.jsonValue()), pretty, (object, space) => {
        const text = JSON.stringify(object, null, space);
        const fast = scanObjectMembers(text);
        expect(fast).toEqual(validatingScan(text));
        for (const [key, raw] of fast) expect(JSON.parse(raw)).toEqual(JSON.parse(JSON.stringify(object[key])));
      }),
    );
  });

  it('strings with escaped quotes and backslashes end where they should', () => {
    const text = '{"a\\"b":"c\\\\","d":["\\"]",{"e":"}"}] , "f" : -1.5e3 }';
    expect([...scanObjectMembers(text)]).toEqual([
      ['a"b', '"c\\\\"'],
      ['d', '["\\"]",{"e":"}"}]'],
      ['f', '-1.5e3'],
    ]);
  });

  it('a key is its decoded text, escaped or not', () => {
    const text = '{"\\u0068ost.example.com":1,"h\\\\x":2,"plain.example.com":3}';
    expect([...scanObjectMembers(text).keys()]).toEqual(['host.example.com', 'h\\x', 'plain.example.com']);
  });
});
