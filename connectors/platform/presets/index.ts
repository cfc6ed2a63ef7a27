/** The platform presets by name: what a node offers as source and destination. */
import type { DestinationPreset, SourcePreset } from '../../../core/platform/preset';
import { giteaDestination } from './gitea';
import { redmineSource } from './redmine';

export const SOURCE_PRESETS: Record<string, (secret: string) => SourcePreset> = { redmine: redmineSource };
export const DESTINATION_PRESETS: Record<string, (secret: string) => DestinationPreset> = { gitea: giteaDestination };

export { giteaDestination, redmineSource };
