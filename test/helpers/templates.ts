/** Template copies set up as a user sets them up after importing. */
interface WorkflowNodes {
	nodes: Array<{ name: string; parameters: Record<string, unknown> }>;
}

/** The dual write's Check Write node told which tables and columns the application may write. */
export function allowDualWrites<T extends WorkflowNodes>(workflow: T, allowed: Record<string, string[]>): T {
	const check = workflow.nodes.find((n) => n.name === 'Check Write');
	if (!check) throw new Error('the dual-write template has no Check Write node');
	check.parameters.allowedWrites = JSON.stringify(allowed);
	return workflow;
}
