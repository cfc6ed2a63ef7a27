/** What every platform step works with: both platforms, their presets, the ID map, the run's settings. */
import type { PlatformTransport } from '../ports/platform';
import type { IdMap } from './id-map';
import type { DestinationPreset, SourcePreset } from './preset';

export interface PlatformParts {
	source: PlatformTransport;
	sourcePreset: SourcePreset;
	destination: PlatformTransport;
	destinationPreset: DestinationPreset;
	map: IdMap;
	/** Template settings: `owner` (the organization), `fallbackUser` (who posts for unmatched users). */
	settings: Record<string, string>;
	/** Only these records of a type, by its preset's `selectBy` field (`{ project: ['web'] }`); the rest of the source is left. */
	only?: Record<string, string[]>;
	signal?: AbortSignal;
}
