/** The platform presets by name: what a node offers as source and destination. */
import type { DestinationPreset, SourcePreset } from '../../../core/platform/preset';
import { giteaDestination } from './gitea';
import { parseDestination } from './parse';
import { redmineSource } from './redmine';

export const SOURCE_PRESETS: Record<string, (secret: string, settings?: Record<string, string>) => SourcePreset> = {
	redmine: redmineSource,
};
/** A destination preset from the credential's secret and its other settings (Parse's application id). */
export const DESTINATION_PRESETS: Record<
	string,
	(secret: string, settings: Record<string, string>) => DestinationPreset
> = {
	gitea: giteaDestination,
	parse: parseDestination,
};

export { giteaDestination, parseDestination, redmineSource };
