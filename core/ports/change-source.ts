import type { KeyTuple, Row, Value } from '../model/schema';
import type { TableSource } from './table-source';

/** The last (cursor, key) loaded; the next read starts strictly after it. */
export interface Watermark {
	cursor: Value;
	key: KeyTuple;
}

export interface ChangeQuery {
	cursorColumn: string;
	after?: Watermark;
	/** Rows with a cursor past this are left for a later run (late commits may still land before it). */
	horizon?: Value;
	limit: number;
}

/** A table source with a change feed: rows past a (cursor, key) watermark, by key, and its clock. */
export interface ChangeSource extends TableSource {
	/** Rows whose (cursor, primary key) is past `after`, cursor at most `horizon`, in that order. */
	readChanges(table: string, query: ChangeQuery): Promise<Row[]>;
	/** How many rows `readChanges` would return without a limit. */
	countChanges(table: string, query: Omit<ChangeQuery, 'limit'>): Promise<number>;
	/** The rows with these primary keys (those that still exist). */
	readByKeys(table: string, keys: KeyTuple[]): Promise<Row[]>;
	/** The server's clock as a UTC instant, canonical timestamptz text. */
	clock(): Promise<string>;
	/**
	 * The server's wall clock in its configured time zone (where a column without a zone is written
	 * by applications: MySQL DATETIME), canonical timestamp text; absent or undefined where that is
	 * the UTC clock.
	 */
	wallClock?(): Promise<string | undefined>;
}
