/**
 * Bytes of memory a copy may hold in flight: each object takes what it may buffer (its size, or its
 * parts in flight) before it starts and gives it back when done; one larger than the whole budget
 * runs alone. Peak memory then depends on the budget, not on the objects' sizes.
 */
export class ByteBudget {
	private free: number;
	private readonly waiting: Array<{ bytes: number; go: () => void }> = [];

	constructor(private readonly total: number) {
		this.free = total;
	}

	async take(bytes: number): Promise<number> {
		const want = Math.min(bytes, this.total);
		if (this.waiting.length === 0 && want <= this.free) {
			this.free -= want;
			return want;
		}
		await new Promise<void>((go) => this.waiting.push({ bytes: want, go }));
		return want;
	}

	give(bytes: number): void {
		this.free += bytes;
		// In arrival order: a large object is not starved by small ones behind it.
		while (this.waiting.length && this.waiting[0].bytes <= this.free) {
			const next = this.waiting.shift()!;
			this.free -= next.bytes;
			next.go();
		}
	}
}
