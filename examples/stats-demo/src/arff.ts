/** Minimal reader for the ARFF files in examples/data: attribute names and kinds, and the data rows. */
export interface Arff {
  attributes: { name: string; kind: 'numeric' | 'categorical' }[];
  rows: Record<string, string | number>[];
}

export function parseArff(text: string): Arff {
  const attributes: Arff['attributes'] = [];
  const rows: Arff['rows'] = [];
  let inData = false;
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '' || line.startsWith('%')) continue;
    if (!inData) {
      const attribute = /^@attribute\s+('[^']*'|\S+)\s+(.*)$/i.exec(line);
      if (attribute) {
        const name = (attribute[1] as string).replace(/^'|'$/g, '');
        const kind = /^(numeric|real|integer)$/i.test((attribute[2] as string).trim())
          ? 'numeric'
          : 'categorical';
        attributes.push({ name, kind });
      } else if (/^@data/i.test(line)) inData = true;
      continue;
    }
    const values = splitValues(line);
    if (values.length !== attributes.length) {
      throw new Error(`ARFF data line has ${values.length} values, expected ${attributes.length}: ${line}`);
    }
    const row: Record<string, string | number> = {};
    attributes.forEach((a, i) => {
      const v = values[i] as string;
      row[a.name] = a.kind === 'numeric' ? Number(v) : v;
    });
    rows.push(row);
  }
  return { attributes, rows };
}

/** Comma-separated values, some in single quotes (which may contain commas). */
function splitValues(line: string): string[] {
  const out: string[] = [];
  let i = 0;
  while (i < line.length) {
    if (line[i] === "'") {
      const end = line.indexOf("'", i + 1);
      out.push(line.slice(i + 1, end));
      i = end + 2; // past the quote and the comma
    } else {
      const end = line.indexOf(',', i);
      out.push(line.slice(i, end === -1 ? line.length : end).trim());
      i = end === -1 ? line.length : end + 1;
    }
  }
  return out;
}
