/** How the CLI prints: JSON for scripts (`--json`), aligned columns for people. */
export interface Output {
  json: boolean;
}

export function printRecord(output: Output, record: Record<string, unknown>): void {
  if (output.json) return console.log(JSON.stringify(record, null, 2));
  const width = Math.max(...Object.keys(record).map((key) => key.length));
  for (const [key, value] of Object.entries(record)) console.log(`${key.padEnd(width)}  ${format(value)}`);
}

export function printTable(output: Output, rows: Record<string, unknown>[], columns: string[]): void {
  if (output.json) return console.log(JSON.stringify(rows, null, 2));
  if (rows.length === 0) return console.log('(none)');
  const cells = rows.map((row) => columns.map((column) => format(row[column])));
  const widths = columns.map((column, index) => Math.max(column.length, ...cells.map((row) => row[index].length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => value.padEnd(widths[index]))
      .join('  ')
      .trimEnd();
  console.log(line(columns.map((column) => column.toUpperCase())));
  for (const row of cells) console.log(line(row));
}

function format(value: unknown): string {
  if (value === null || value === undefined) return '-';
  if (Array.isArray(value)) return value.map(format).join(',');
  if (typeof value === 'string') return value;
  return JSON.stringify(value);
}
