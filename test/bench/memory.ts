/* eslint-disable @n8n/community-nodes/no-restricted-imports, @n8n/community-nodes/no-restricted-globals -- bench code runs in its own Node process against n8n, never inside n8n */
// Resident memory of a process and its descendants, from /proc (Linux): VmRSS sampled, and the
// kernel's own peak VmHWM, which `echo 5 > /proc/<pid>/clear_refs` resets to the current RSS.
import { readdirSync, readFileSync, writeFileSync } from 'fs';

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
	try {
		const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(
			readFileSync(`/proc/${pid}/status`, 'utf8'),
		);
		return match ? Number(match[1]) : 0;
	} catch {
		return 0;
	}
}

/** `pid` and every process below it (n8n's task runner and whatever it starts). */
export function processTree(pid: number): number[] {
	const children = new Map<number, number[]>();
	for (const entry of readdirSync('/proc')) {
		if (!/^\d+$/.test(entry)) continue;
		try {
			const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
			const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
			const list = children.get(ppid) ?? [];
			list.push(Number(entry));
			children.set(ppid, list);
		} catch {
			// gone meanwhile
		}
	}
	const tree = [pid];
	for (let index = 0; index < tree.length; index++) tree.push(...(children.get(tree[index]) ?? []));
	return tree;
}

export interface MemoryPeak {
	/** The main process: RSS when the window opened, its peak (VmHWM), and the peak of the samples. */
	mainStartMb: number;
	mainHwmMb: number;
	mainSampledPeakMb: number;
	/** Sum over the process tree, sampled. */
	treeStartMb: number;
	treeSampledPeakMb: number;
	processes: number;
	samples: number;
	hwmReset: boolean;
}

/** Watches `pid` and its descendants until `stop()` is called. */
export function watchMemory(pid: number, intervalMs = 20): { stop: () => MemoryPeak } {
	let tree = processTree(pid);
	let hwmReset = true;
	for (const each of tree) {
		try {
			writeFileSync(`/proc/${each}/clear_refs`, '5');
		} catch {
			hwmReset = false;
		}
	}
	const mainStart = statusKb(pid, 'VmRSS');
	const treeStart = tree.reduce((sum, each) => sum + statusKb(each, 'VmRSS'), 0);
	let mainPeak = mainStart;
	let treePeak = treeStart;
	let samples = 0;
	let lastTreeScan = Date.now();
	const sample = () => {
		if (Date.now() - lastTreeScan > 500) {
			tree = processTree(pid);
			lastTreeScan = Date.now();
		}
		const rss = tree.map((each) => statusKb(each, 'VmRSS'));
		mainPeak = Math.max(mainPeak, rss[0]);
		treePeak = Math.max(
			treePeak,
			rss.reduce((sum, value) => sum + value, 0),
		);
		samples++;
	};
	const timer = setInterval(sample, intervalMs);
	return {
		stop: () => {
			clearInterval(timer);
			sample();
			const mb = (kb: number) => kb / 1024;
			return {
				mainStartMb: mb(mainStart),
				mainHwmMb: mb(hwmReset ? statusKb(pid, 'VmHWM') : mainPeak),
				mainSampledPeakMb: mb(mainPeak),
				treeStartMb: mb(treeStart),
				treeSampledPeakMb: mb(treePeak),
				processes: tree.length,
				samples,
				hwmReset,
			};
		},
	};
}
