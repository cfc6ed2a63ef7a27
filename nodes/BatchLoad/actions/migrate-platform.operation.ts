import type { IDataObject, INodeExecutionData } from 'n8n-workflow';
import { PlatformMigration } from '../../../core/platform/migrate';
import { toNodeError } from '../../shared/node-errors';
import type { Operation } from '../../shared/operations';
import { FALLBACK_USER_PROPERTY, PLATFORM_PROPERTIES, withPlatforms } from '../../shared/platforms';

export const MIGRATE_PLATFORM_OPERATION = 'migratePlatform';

export const migratePlatform: Operation = {
	option: {
		name: 'Migrate Platform Records',
		value: MIGRATE_PLATFORM_OPERATION,
		action: 'Migrate every record of one platform into another',
		description:
			'Every object type the destination can hold, in dependency order, each created once through the ID map (a rerun after a crash creates nothing twice); relationships, mentions and users rewritten through it; attachments streamed and checked by SHA-256. The report on Loaded, each refused record on Rejected with the reason',
	},
	properties: [...PLATFORM_PROPERTIES, FALLBACK_USER_PROPERTY],
	async execute(items) {
		const loaded: INodeExecutionData[] = [];
		const rejected: INodeExecutionData[] = [];
		for (let i = 0; i < items.length; i++) {
			try {
				const report = await withPlatforms(this, i, (parts) => new PlatformMigration(parts).run());
				const { rejects, ...summary } = report;
				loaded.push({
					json: { ...summary, rejected: rejects.length } as unknown as IDataObject,
					pairedItem: { item: i },
				});
				for (const reject of rejects)
					rejected.push({ json: { ...reject } as unknown as IDataObject, pairedItem: { item: i } });
			} catch (error) {
				if (!this.continueOnFail()) throw toNodeError(this.getNode(), error, i);
				const message = toNodeError(this.getNode(), error, i).message;
				rejected.push({ json: { error: message }, pairedItem: { item: i } });
			}
		}
		return [loaded, rejected];
	},
};
