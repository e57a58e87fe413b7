/* eslint-disable @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Tables, percentiles and number formatting shared by the benchmarks.

export type Cell = string | number | undefined | null;

export function fmt(value: number | undefined | null, digits = 2): string {
	if (value === undefined || value === null || !Number.isFinite(value)) return '–';
	return value.toFixed(digits);
}

/** A plain-text table: a title line, a header, a rule, the rows. Numbers are right-aligned. */
export function table(title: string, header: string[], rows: Cell[][]): string {
	const text = rows.map((row) =>
		row.map((cell) => (cell === undefined || cell === null ? '–' : String(cell))),
	);
	const widths = header.map((name, column) =>
		Math.max(name.length, ...text.map((row) => (row[column] ?? '').length)),
	);
	const numeric = header.map((_name, column) =>
		rows.every(
			(row) =>
				typeof row[column] === 'number' || /^([-\d.,×%–]+)?$/.test(String(row[column] ?? '–')),
		),
	);
	const line = (cells: string[]) =>
		cells
			.map((cell, column) =>
				numeric[column] ? cell.padStart(widths[column]) : cell.padEnd(widths[column]),
			)
			.join('  ');
	return [
		`\n== ${title}`,
		line(header),
		widths.map((width) => '-'.repeat(width)).join('  '),
		...text.map(line),
	].join('\n');
}

export function percentile(sorted: number[], share: number): number {
	if (sorted.length === 0) return NaN;
	const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(share * sorted.length) - 1));
	return sorted[rank];
}

export function median(values: number[]): number {
	return percentile(
		[...values].sort((a, b) => a - b),
		0.5,
	);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function log(line: string): void {
	process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${line}\n`);
}
