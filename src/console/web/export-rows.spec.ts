import { toCsv, toNdjson } from './export-rows';

describe('console exports', () => {
  it('quotes what needs quoting and defuses cells a spreadsheet would run as formulas', () => {
    const rows = [
      { userId: '=HYPERLINK("http://evil.example","x")', origin: 'https://a.example', count: 1 },
      { userId: 'plain, with comma', origin: null, count: 2 },
      { userId: '-2+3', origin: '@SUM(A1)', count: 3 },
    ];
    expect(toCsv(rows, ['userId', 'origin', 'count'])).toBe(
      'userId,origin,count\r\n' +
        '"\'=HYPERLINK(""http://evil.example"",""x"")",https://a.example,1\r\n' +
        '"plain, with comma",,2\r\n' +
        "'-2+3,'@SUM(A1),3\r\n",
    );
  });

  it('writes one JSON object per line', () => {
    expect(toNdjson([{ a: 1 }, { b: '\n' }])).toBe('{"a":1}\n{"b":"\\n"}\n');
  });
});
