import { cellText, formatDetails, formatTable } from './table';

describe('formatTable', () => {
  const columns = [
    { header: 'id', cell: (row: { id: string; name: string | null }) => row.id },
    { header: 'name', cell: (row: { id: string; name: string | null }) => row.name },
  ];

  it('aligns columns two spaces apart under capitalised headers, without trailing spaces', () => {
    const text = formatTable(columns, [
      { id: 'a', name: 'first client' },
      { id: 'long-id', name: null },
    ]);
    expect(text.split('\n')).toEqual(['ID       NAME', 'a        first client', 'long-id  -']);
  });

  it('prints only the headers for no rows', () => {
    expect(formatTable(columns, [])).toBe('ID  NAME');
  });

  it('replaces control characters so a name cannot drive the terminal', () => {
    expect(cellText('evil\u001b[2Jname\n')).toBe('evil?[2Jname?');
    expect(cellText(['a', null, 3])).toBe('a,-,3');
    expect(cellText(false)).toBe('false');
  });
});

describe('formatDetails', () => {
  it('aligns the values after the keys', () => {
    expect(
      formatDetails([
        ['id', 'x'],
        ['health reason', null],
      ]).split('\n'),
    ).toEqual(['id:             x', 'health reason:  -']);
  });
});
