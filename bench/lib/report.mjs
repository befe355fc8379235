/**
 * A case's result: groups of measured variants, each group with its floor (the row every ratio is
 * against) and the issue's targets as checks `{ row, ref, max, text }`: time(row) / time(ref) ≤ max.
 * "N× faster than X" is `max: 1/N` against X.
 */
export function checkTargets(group) {
  const byName = new Map(group.rows.map((r) => [r.name, r]));
  return (group.targets ?? []).map((t) => {
    const row = byName.get(t.row);
    const ref = byName.get(t.ref ?? group.floor);
    if (!row?.median || !ref?.median) return { ...t, ratio: null, ok: null };
    const ratio = row.median / ref.median;
    return { ...t, ratio, ok: ratio <= t.max };
  });
}

const fmtMs = (ms) => (ms >= 10_000 ? `${(ms / 1000).toFixed(1)} s` : ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);
const fmtRatio = (x) => (x >= 10 ? `${x.toFixed(0)}×` : `${x.toFixed(2)}×`);
const mark = (ok) => (ok === null ? '–' : ok ? '✅' : '❌');

/** The markdown table of every case: medians, ratio to the case's floor, and each target's verdict. */
export function renderTable(results) {
  const lines = ['| case | variant | median | × floor | peak RSS |', '| --- | --- | ---: | ---: | ---: |'];
  for (const result of results) {
    if (result.unavailable) {
      lines.push(`| ${result.id}. ${result.title} | not available: ${result.unavailable} | | | |`);
      continue;
    }
    for (const group of result.groups) {
      const floor = group.rows.find((r) => r.name === group.floor);
      for (const row of group.rows) {
        const ratio = floor?.median && row.median ? fmtRatio(row.median / floor.median) : '';
        const label = row.name === group.floor ? `**floor**: ${row.name}` : row.name;
        lines.push(`| ${result.id}. ${group.label} | ${label}${row.note ? ` (${row.note})` : ''} | ${row.median ? fmtMs(row.median) : 'n/a'} | ${ratio} | ${row.peakMb ? `${row.peakMb.toFixed(0)} MB` : ''} |`);
      }
    }
  }
  return lines.join('\n');
}

export function renderTargets(results) {
  const lines = ['| case | target | measured | met |', '| --- | --- | ---: | :---: |'];
  for (const result of results) {
    if (result.unavailable) continue;
    for (const group of result.groups) {
      for (const c of checkTargets(group)) {
        const measured = c.ratio === null ? 'n/a' : c.max <= 0.5 ? `${fmtRatio(1 / c.ratio)} faster` : fmtRatio(c.ratio);
        lines.push(`| ${result.id}. ${group.label} | ${c.text} | ${measured} | ${mark(c.ok)} |`);
      }
    }
    for (const extra of result.extraChecks ?? []) lines.push(`| ${result.id}. ${extra.label} | ${extra.text} | ${extra.measured} | ${mark(extra.ok)} |`);
  }
  return lines.join('\n');
}

export function renderNotes(results) {
  return results.flatMap((r) => (r.notes ?? []).map((n) => `- case ${r.id}: ${n}`)).join('\n');
}
