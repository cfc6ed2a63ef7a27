/**
 * The ports core works through. A system implements the ones it has: a database all of
 * DatabaseConnector; a REST API a RecordSource; an object store an ObjectStore. Core functions ask
 * for the narrowest port they use, so a new system is only what it needs to be.
 */
import type { ChangeSource } from './change-source';
import type { Snapshots } from './snapshots';
import type { Stateful } from './state-store';
import type { TableSink } from './table-sink';

export * from './capabilities';
export * from './change-source';
export * from './object-store';
export * from './positions';
export * from './record-source';
export * from './snapshots';
export * from './state-store';
export * from './table-sink';
export * from './table-source';
export * from './native-copy';
export * from './scratch';

/** A database as this package uses it: read, written, its changes followed, snapshotted, and its state kept. */
export type DatabaseConnector = ChangeSource & TableSink & Snapshots & Stateful;
