/** Where the wizard keeps its own files, per OS (env-paths: XDG on Linux, ~/Library on macOS). */
import path from 'node:path';
import envPaths from 'env-paths';

const APP = 'ollama-tunnel-wizard';

export interface WizardPaths {
	/** Folder of the journal (the per-machine state file). */
	stateDir: string;
	journal: string;
	/** Folder of the per-run log files. */
	logDir: string;
}

export function wizardPaths(env: Readonly<Record<string, string | undefined>>): WizardPaths {
	const p = envPaths(APP, {suffix: ''});
	const stateDir = env.OLLAMA_TUNNEL_WIZARD_STATE_DIR || p.data;
	const logDir = env.OLLAMA_TUNNEL_WIZARD_LOG_DIR || (env.OLLAMA_TUNNEL_WIZARD_STATE_DIR ? path.join(stateDir, 'logs') : p.log);
	return {stateDir, journal: path.join(stateDir, 'journal.json'), logDir};
}
