import { randomUUID } from 'node:crypto';
import { readFileSync, readlinkSync } from 'node:fs';
import { hostname } from 'node:os';

/**
 * Who holds a sync's lease: the execution, and the process it ran in. A process that is gone (n8n
 * killed and restarted) can commit nothing any more, so the next run may take
 * its lease over at once instead of waiting for it to expire. Told only where this process can be
 * sure: the same boot of the same host and the same PID namespace (after a reboot, or a container
 * restarted in a new namespace, the lease frees after its time as before).
 */
interface ProcessMark {
	host: string;
	boot: string;
	namespace: string;
	pid: number;
	/** The process's start, in clock ticks since boot (/proc/<pid>/stat): a PID reused later differs. */
	start: string;
}

const read = (path: string) => {
	try {
		return readFileSync(path, 'utf8').trim();
	} catch {
		return undefined;
	}
};

function startOf(pid: number): string | undefined {
	const stat = read(`/proc/${pid}/stat`);
	// Field 22 (starttime); the command name (field 2) may hold spaces, so count from its closing parenthesis.
	return stat?.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

function thisProcess(): ProcessMark | undefined {
	try {
		const boot = read('/proc/sys/kernel/random/boot_id');
		const start = startOf(process.pid);
		if (!boot || !start) return undefined;
		return { host: hostname(), boot, namespace: readlinkSync('/proc/self/ns/pid'), pid: process.pid, start };
	} catch {
		return undefined;
	}
}

const MARK = / \[(\{.*\})\]$/;

/** The lease owner: readable first ("execution 42 on host, process 123"), the process mark after it. */
export function newRunOwner(executionId?: string): string {
	const run = executionId ? `execution ${executionId}` : `run ${randomUUID()}`;
	const mark = thisProcess();
	return mark ? `${run} on ${mark.host}, process ${mark.pid} [${JSON.stringify(mark)}]` : run;
}

/** The owner as a caller reads it: without the process mark. */
export const ownerName = (owner: string) => owner.replace(MARK, '');

/** Whether the holder's process is known to be gone; false whenever that cannot be told for sure. */
export function holderIsGone(owner: string): boolean {
	const own = thisProcess();
	let holder: ProcessMark;
	try {
		holder = JSON.parse(MARK.exec(owner)?.[1] ?? 'null') as ProcessMark;
	} catch {
		return false;
	}
	// Another boot may be another machine of the same name: only the TTL can tell then.
	if (!own || !holder || holder.host !== own.host || holder.boot !== own.boot) return false;
	if (holder.namespace !== own.namespace) return false;
	if (holder.pid === own.pid && holder.start === own.start) return false;
	return startOf(holder.pid) !== holder.start;
}
