/**
 * What steps 1 and 2 change on the Ollama host, as a small flat record their checks put in
 * `data.system`: where Ollama listens, what the drop-in / launchd environment / LaunchAgent / Homebrew
 * service say, and which Connector runs. `undo` keeps the record of the check before a run, re-runs the
 * step's check after reverting, and reports each value that is not back (systemDifferences).
 */
import type {CheckResult} from '../core/types.js';
import type {ListenerSummary} from '../parsers/listeners.js';

export type SystemState = Record<string, string | null>;

const LABELS: Record<string, string> = {
	listen: 'Ollama listens on',
	dropInOllamaHost: 'the systemd drop-in sets OLLAMA_HOST to',
	launchctlOllamaHost: 'launchctl getenv OLLAMA_HOST says',
	launchAgent: 'the LaunchAgent com.ollama.server is',
	brewService: 'the Homebrew service homebrew.mxcl.ollama is',
	appExpose: 'the Ollama.app switch "Expose Ollama to the network" is',
	connectorContainers: 'Connector containers running:',
	connectorService: 'the twingate-connector service is',
};

/** `127.0.0.1:11434`, `all interfaces, port 11434`, `nothing on port 11434`, … (PIDs left out: they change on every restart). */
export function listenWord(s: ListenerSummary): string {
	switch (s.state) {
		case 'none':
			return `nothing on port ${s.port}`;
		case 'all':
			return `all interfaces, port ${s.port}`;
		case 'duplicate':
			return `${s.pids.length || 'several'} servers on port ${s.port}`;
		default:
			return `${s.address?.includes(':') ? `[${s.address}]` : (s.address ?? '?')}:${s.port}`;
	}
}

/** The `data.system` record of a step's check result, or null when the check could not read the system. */
export function systemStateOf(result: Pick<CheckResult, 'data'> | null | undefined): SystemState | null {
	const system = result?.data?.system;
	if (!system || typeof system !== 'object' || Array.isArray(system)) return null;
	const out: SystemState = {};
	for (const [k, v] of Object.entries(system)) out[k] = typeof v === 'string' ? v : null;
	return out;
}

/**
 * One sentence per value that differs from the record taken before the run (values only in one of the
 * two records are skipped: the other check could not read them). Empty when everything is back.
 */
export function systemDifferences(before: SystemState, after: SystemState): string[] {
	const out: string[] = [];
	for (const [key, was] of Object.entries(before)) {
		if (!(key in after)) continue;
		const now = after[key] ?? null;
		if (now === was) continue;
		out.push(`${LABELS[key] ?? key} ${now ?? 'nothing'} (before the run: ${was ?? 'nothing'}).`);
	}
	return out;
}
