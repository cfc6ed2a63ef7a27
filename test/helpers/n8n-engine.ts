/**
 * Executes workflow JSON in-process with n8n's own engine (n8n-core's WorkflowExecute) and our
 * node classes, with credentials supplied by the test. n8n-core, n8n-workflow and the base nodes
 * (triggers, Execute Workflow, If…) come from the real n8n 1.x installed by scripts/n8n-install.sh;
 * jest maps `n8n-workflow`/`n8n-core` to that install so every node shares one copy.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {
	ICredentialDataDecryptedObject,
	IDataObject,
	IExecuteWorkflowInfo,
	INodeExecutionData,
	INodeType,
	INodeTypes,
	IRun,
	IVersionedNodeType,
	IWorkflowBase,
	IWorkflowExecuteAdditionalData,
	ExecuteWorkflowOptions,
} from 'n8n-workflow';
import { ourNodeTypes } from './our-nodes';

process.env.N8N_USER_FOLDER ??= mkdtempSync(join(tmpdir(), 'dm-n8n-'));
process.env.N8N_RUNNERS_ENABLED ??= 'false';
process.env.N8N_ENFORCE_SETTINGS_FILE_PERMISSIONS ??= 'true';

// Loaded after N8N_USER_FOLDER is set: n8n-core reads it when its settings are first built.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const workflowLib = require('n8n-workflow') as typeof import('n8n-workflow');
// eslint-disable-next-line @typescript-eslint/no-require-imports
const core = require('n8n-core') as typeof import('n8n-core');

/** Where scripts/n8n-install.sh 1 put n8n (DM_CACHE_DIR, as the install scripts read it; jest.config.js alike). */
export const N8N_DIR =
	process.env.DM_N8N_DIR ??
	join(
		process.env.DM_CACHE_DIR ?? join(process.env.HOME ?? '/root', '.cache/n8n-nodes-data-migration'),
		'n8n-1.123.81',
	);

/** Base nodes templates use, by type name → file in n8n-nodes-base. */
const BASE_NODES: Record<string, string> = {
	'n8n-nodes-base.manualTrigger': 'ManualTrigger/ManualTrigger.node.js',
	'n8n-nodes-base.scheduleTrigger': 'Schedule/ScheduleTrigger.node.js',
	'n8n-nodes-base.webhook': 'Webhook/Webhook.node.js',
	'n8n-nodes-base.respondToWebhook': 'RespondToWebhook/RespondToWebhook.node.js',
	'n8n-nodes-base.executeWorkflow': 'ExecuteWorkflow/ExecuteWorkflow/ExecuteWorkflow.node.js',
	'n8n-nodes-base.executeWorkflowTrigger': 'ExecuteWorkflow/ExecuteWorkflowTrigger/ExecuteWorkflowTrigger.node.js',
	'n8n-nodes-base.if': 'If/If.node.js',
	'n8n-nodes-base.noOp': 'NoOp/NoOp.node.js',
	'n8n-nodes-base.set': 'Set/Set.node.js',
	'n8n-nodes-base.merge': 'Merge/Merge.node.js',
	'n8n-nodes-base.stopAndError': 'StopAndError/StopAndError.node.js',
	'n8n-nodes-base.splitOut': 'Transform/SplitOut/SplitOut.node.js',
	'n8n-nodes-base.httpRequest': 'HttpRequest/HttpRequest.node.js',
};

class NodeTypes implements INodeTypes {
	private readonly loaded = new Map<string, INodeType | IVersionedNodeType>();

	getByName(type: string): INodeType | IVersionedNodeType {
		let node = this.loaded.get(type);
		if (node) return node;
		const ours = ourNodeTypes()[type];
		if (ours) node = ours;
		else if (BASE_NODES[type]) {
			// eslint-disable-next-line @typescript-eslint/no-require-imports
			const module = require(join(N8N_DIR, 'node_modules/n8n-nodes-base/dist/nodes', BASE_NODES[type]));
			const Class = Object.values(module)[0] as new () => INodeType | IVersionedNodeType;
			node = new Class();
		} else throw new Error(`Node type ${type} is not available to the in-process runner (test/helpers/n8n-engine.ts)`);
		this.loaded.set(type, node);
		return node;
	}

	getByNameAndVersion(type: string, version?: number): INodeType {
		return workflowLib.NodeHelpers.getVersionedNodeType(this.getByName(type), version);
	}

	getKnownTypes() {
		return {};
	}
}

export const nodeTypes = new NodeTypes();

/** Credentials as the test gives them: by the node's credential id first, else by credential type. */
class TestCredentials extends workflowLib.ICredentialsHelper {
	constructor(
		private readonly byType: Record<string, ICredentialDataDecryptedObject>,
		private readonly byId: Record<string, ICredentialDataDecryptedObject> = {},
	) {
		super();
	}
	getParentTypes() {
		return [];
	}
	async authenticate(_c: unknown, _t: string, options: never) {
		return options;
	}
	async preAuthentication() {
		return undefined;
	}
	async getCredentials(): Promise<never> {
		throw new Error('not used by these nodes');
	}
	async getDecrypted(_a: unknown, node: { id: string | null }, type: string): Promise<ICredentialDataDecryptedObject> {
		// A Source type (credentials/*SourceApi) extends its engine's type: unless given, it is the test's source of that engine.
		const data = (node.id && this.byId[node.id]) || this.byType[type] || this.byType[type.replace(/SourceApi$/, 'Api')];
		if (!data) throw new Error(`The test supplied no credentials of type ${type}`);
		return data;
	}
	async updateCredentials() {}
	async updateCredentialsOauthTokenData() {}
	getCredentialsProperties() {
		return [];
	}
}

export type WorkflowJson = Pick<IWorkflowBase, 'nodes' | 'connections'> & Partial<IWorkflowBase>;

export interface SavedExecution {
	workflowId: string;
	status: IRun['status'];
	/** Undefined when the workflow's settings say not to save it (e.g. saveDataSuccessExecution: none). */
	data?: IRun;
}

export interface RunOptions {
	credentials: Record<string, ICredentialDataDecryptedObject>;
	/** Credentials for the nodes whose credential has this id (two of one type, e.g. source and destination). */
	credentialsById?: Record<string, ICredentialDataDecryptedObject>;
	/** Workflows an Execute Workflow node may call, by id. */
	workflows?: WorkflowJson[];
	/** Items given to the start node (the trigger, or the sub-workflow's trigger). */
	input?: IDataObject[];
	/** Start node name; defaults to the first trigger. */
	startNode?: string;
	/** Called with the execution's cancel handle, to kill a run midway. */
	onStart?: (cancel: () => void) => void;
}

export interface RunResult {
	run: IRun;
	/** JSON of every item a node output on its first run, per output. */
	output(nodeName: string, outputIndex?: number): IDataObject[];
	error?: Error;
	/** Every execution of this run, main and sub-workflows, as n8n would have saved them. */
	executions: SavedExecution[];
}

let executionCounter = 0;

export async function runWorkflow(workflowJson: WorkflowJson, options: RunOptions): Promise<RunResult> {
	const executions: SavedExecution[] = [];
	const library = new Map((options.workflows ?? []).map((w) => [String(w.id), w]));
	const credentialsHelper = new TestCredentials(options.credentials, options.credentialsById);

	const execute = async (
		json: WorkflowJson,
		input: INodeExecutionData[],
		mode: 'manual' | 'integrated',
		startName?: string,
	) => {
		const workflow = new workflowLib.Workflow({
			id: String(json.id ?? `wf-${++executionCounter}`),
			name: json.name,
			nodes: json.nodes,
			connections: json.connections,
			active: false,
			nodeTypes,
			settings: json.settings,
			staticData: json.staticData,
		});
		const executionId = String(++executionCounter);
		const startNode = startName
			? workflow.getNode(startName)
			: (json.nodes.find((n) => /trigger|webhook/i.test(n.type) && !n.disabled) ?? json.nodes[0]);
		if (!startNode) throw new Error(`Start node ${startName} not found`);
		const hooks = new core.ExecutionLifecycleHooks(mode, executionId, { ...json, id: workflow.id } as IWorkflowBase);
		const additionalData = {
			credentialsHelper,
			executeWorkflow: (
				info: IExecuteWorkflowInfo,
				_data: IWorkflowExecuteAdditionalData,
				opts: ExecuteWorkflowOptions,
			) => executeSub(info, opts),
			getRunExecutionData: async () => undefined,
			currentNodeExecutionIndex: 0,
			restApiUrl: 'http://localhost:5678/rest',
			instanceBaseUrl: 'http://localhost:5678/',
			formWaitingBaseUrl: 'http://localhost:5678/form-waiting',
			webhookBaseUrl: 'http://localhost:5678/webhook',
			webhookWaitingBaseUrl: 'http://localhost:5678/webhook-waiting',
			webhookTestBaseUrl: 'http://localhost:5678/webhook-test',
			variables: {},
			logAiEvent: () => undefined,
			startRunnerTask: async () => {
				throw new Error('task runners are not available in-process');
			},
			hooks,
			executionId,
			userId: 'test-user',
		} as unknown as IWorkflowExecuteAdditionalData;
		const runData = workflowLib.createRunExecutionData({
			executionData: { nodeExecutionStack: [{ node: startNode, data: { main: [input] }, source: null }] },
		});
		const workflowExecute = new core.WorkflowExecute(additionalData, mode, runData);
		const execution = workflowExecute.processRunExecutionData(workflow);
		if (mode === 'manual') options.onStart?.(() => execution.cancel());
		const run = await execution;
		const saveSetting =
			run.status === 'success' ? json.settings?.saveDataSuccessExecution : json.settings?.saveDataErrorExecution;
		executions.push({ workflowId: workflow.id, status: run.status, data: saveSetting === 'none' ? undefined : run });
		return run;
	};

	const executeSub = async (info: IExecuteWorkflowInfo, opts: ExecuteWorkflowOptions) => {
		const json = info.code ?? library.get(String(info.id));
		if (!json) throw new Error(`Sub-workflow ${info.id} was not given to the runner`);
		// As n8n does: a called workflow starts at its Execute Workflow Trigger.
		const trigger = (json as WorkflowJson).nodes.find((n) => n.type === 'n8n-nodes-base.executeWorkflowTrigger');
		const run = await execute(json as WorkflowJson, opts.inputData ?? [{ json: {} }], 'integrated', trigger?.name);
		if (run.status !== 'success' || run.data.resultData.error) {
			throw run.data.resultData.error ?? new Error(`Sub-workflow ${info.id} ended with status ${run.status}`);
		}
		const last = run.data.resultData.lastNodeExecuted;
		const data = last ? (run.data.resultData.runData[last]?.at(-1)?.data?.main ?? [null]) : [null];
		return { executionId: String(executionCounter), data };
	};

	const input = (options.input ?? [{}]).map((json) => ({ json }));
	const run = await execute(workflowJson, input, 'manual', options.startNode);
	return {
		run,
		executions,
		error: run.data.resultData.error as Error | undefined,
		output(nodeName, outputIndex = 0) {
			const task = run.data.resultData.runData[nodeName]?.[0];
			return (task?.data?.main?.[outputIndex] ?? []).map((item) => item.json);
		},
	};
}

/** Stops n8n-core's background timers so jest can exit. */
export function shutdownEngine(): void {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { Container } = require('@n8n/di') as { Container: { get<T>(c: new (...a: never[]) => T): T } };
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	const { SSHClientsManager } = require('n8n-core/dist/execution-engine/ssh-clients-manager') as {
		SSHClientsManager: new (...a: never[]) => { onShutdown(): void };
	};
	Container.get(SSHClientsManager).onShutdown();
}
