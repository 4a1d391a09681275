/** ECB eurofxref documents for tests: `days` maps a date to its entries, currency → rate as written. */
export function ecbDocument(days: Record<string, Record<string, string>>): string {
  const cubes = Object.entries(days)
    .map(([date, rates]) => `<Cube time='${date}'>${Object.entries(rates).map(([currency, rate]) => `<Cube currency='${currency}' rate='${rate}'/>`).join('')}</Cube>`)
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<gesmes:Envelope xmlns:gesmes="http://www.gesmes.org/xml/2002-08-01" xmlns="http://www.ecb.int/vocabulary/2002-08-01/eurofxref">
  <gesmes:subject>Reference rates</gesmes:subject>
  <Cube>${cubes}</Cube>
</gesmes:Envelope>`;
}
