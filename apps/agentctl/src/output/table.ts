/** One column of a table: its header and how a row shows in it. */
export interface Column<Row> {
  header: string;
  cell: (row: Row) => unknown;
}

/**
 * Text for a cell: null/undefined as `-`, control characters (a remote's name could carry terminal escapes)
 * replaced by `?`, arrays joined.
 */
export function cellText(value: unknown): string {
  if (value === null || value === undefined || value === '') return '-';
  const text = Array.isArray(value) ? value.map(cellText).join(',') : String(value);
  // eslint-disable-next-line no-control-regex -- control characters are exactly what is removed
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
}

/** Left-aligned columns two spaces apart, headers in capitals; the last column is not padded. */
export function formatTable<Row>(columns: Column<Row>[], rows: Row[]): string {
  const cells = rows.map((row) => columns.map((column) => cellText(column.cell(row))));
  const headers = columns.map((column) => column.header.toUpperCase());
  const widths = headers.map((header, index) => Math.max(header.length, ...cells.map((line) => line[index].length)));
  const line = (values: string[]) =>
    values
      .map((value, index) => (index === values.length - 1 ? value : value.padEnd(widths[index])))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** `key: value` lines with the keys aligned, for one object. */
export function formatDetails(entries: [string, unknown][]): string {
  const width = Math.max(...entries.map(([key]) => key.length));
  return entries.map(([key, value]) => `${`${key}:`.padEnd(width + 1)}  ${cellText(value)}`).join('\n');
}
