import type { StateStore } from '../../core/ports';
import type { SqlConnector } from './sql-connector';

/** The package's state in the database itself, in `_dm_state`, through the dialect's statements. */
export class SqlStateStore implements StateStore {
	constructor(private readonly connector: SqlConnector<unknown>) {}

	private async rows(statement: { text: string; values: unknown[] }) {
		await this.connector.ensureStateTable();
		return this.connector.rows(statement);
	}

	async get<T>(namespace: string, key: string): Promise<T | undefined> {
		return this.connector.run(async () => {
			const r = await this.rows(this.connector.sql.getState(namespace, key));
			return r.length ? (this.connector.stateValue(r[0].value) as T) : undefined;
		});
	}

	async set(namespace: string, key: string, value: unknown): Promise<void> {
		await this.connector.run(() => this.connector.setState({ namespace, key, value }));
	}

	async list<T>(namespace: string, prefix?: string): Promise<Array<{ key: string; value: T }>> {
		return this.connector.run(async () => {
			const r = await this.rows(this.connector.sql.listState(namespace, prefix));
			return r
				.map((row) => ({ key: String(row.key), value: this.connector.stateValue(row.value) as T }))
				.filter((entry) => prefix === undefined || entry.key.startsWith(prefix));
		});
	}

	async lease(namespace: string, key: string, owner: string, ttlSeconds: number) {
		return this.connector.run(async () => {
			await this.connector.ensureStateTable();
			await this.connector.execute(this.connector.sql.takeLease(namespace, key, owner, ttlSeconds));
			const r = await this.rows(this.connector.sql.getState(namespace, key));
			return this.connector.stateValue(r[0].value) as { owner: string; until: string };
		});
	}

	async release(namespace: string, key: string, owner: string): Promise<void> {
		await this.connector.run(async () => {
			await this.connector.ensureStateTable();
			await this.connector.execute(this.connector.sql.releaseLease(namespace, key, owner));
		});
	}

	async delete(namespace: string, key?: string): Promise<void> {
		await this.connector.run(async () => {
			await this.connector.ensureStateTable();
			await this.connector.execute(this.connector.sql.deleteState(namespace, key));
		});
	}
}
