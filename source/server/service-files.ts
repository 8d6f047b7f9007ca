/**
 * The two service files the wizard writes on the Ollama host:
 * - macOS: the wizard-owned LaunchAgent `~/Library/LaunchAgents/com.ollama.server.plist` (the guide's
 *   label and path), built with the `plist` package around the binary found on this machine, never a
 *   hard-coded /usr/local/bin/ollama (seed-corrections #11 a–d; ollama.md §5.3);
 * - Linux: the systemd drop-in `/etc/systemd/system/ollama.service.d/override.conf` with a `[Service]`
 *   header (a drop-in without it is ignored, F21) and `Environment="OLLAMA_HOST=…"` (seed-corrections #10).
 */
import path from 'node:path';
import {AGENT_LABEL} from './detect.js';

export interface AgentSpec {
	/** Absolute path of the ollama binary found on this machine. */
	binary: string;
	/** A value accepted by validateBindValue, e.g. `0.0.0.0:11434` (never a scheme). */
	bind: string;
	/** The user's home (launchd expands neither `~` nor `$HOME`). */
	home: string;
}

export function agentLogPath(home: string): string {
	return path.join(home, 'Library', 'Logs', 'ollama-server.log');
}

/** The LaunchAgent plist: Label, ProgramArguments [binary, serve], EnvironmentVariables.OLLAMA_HOST, RunAtLoad, KeepAlive, logs. */
export async function buildAgentPlist(spec: AgentSpec): Promise<string> {
	if (!path.isAbsolute(spec.binary)) throw new Error(`the LaunchAgent needs an absolute binary path, got ${spec.binary}`);
	// Loaded on use: the plist builder is only needed when a plan writes the LaunchAgent.
	const {build} = await import('plist');
	const log = agentLogPath(spec.home);
	return `${build({
		Label: AGENT_LABEL,
		ProgramArguments: [spec.binary, 'serve'],
		EnvironmentVariables: {OLLAMA_HOST: spec.bind},
		RunAtLoad: true,
		KeepAlive: true,
		StandardOutPath: log,
		StandardErrorPath: log,
	})}\n`;
}

const HOST_LINE = /^\s*Environment\s*=\s*"?OLLAMA_HOST=[^"\s]*"?\s*$/;

/**
 * The drop-in text: keeps whatever an existing override.conf holds (other sections, other
 * variables), drops lines that only set OLLAMA_HOST, and puts `Environment="OLLAMA_HOST=<bind>"` at the
 * end of the `[Service]` section (adding the header when there is none).
 */
export function buildDropIn(existing: string | null, bind: string): string {
	const line = `Environment="OLLAMA_HOST=${bind}"`;
	if (existing === null || existing.trim() === '') return `[Service]\n${line}\n`;
	const lines = existing.replace(/\r\n?/g, '\n').replace(/\n+$/, '').split('\n').filter((l) => !HOST_LINE.test(l));
	const start = lines.findIndex((l) => /^\s*\[Service\]\s*$/.test(l));
	if (start < 0) {
		// Lines before any header are ignored by systemd (F21): keep them, then add a real section.
		return `${lines.join('\n')}\n\n[Service]\n${line}\n`;
	}
	let end = lines.length;
	for (let i = start + 1; i < lines.length; i++) {
		if (/^\s*\[.+\]\s*$/.test(lines[i] ?? '')) {
			end = i;
			break;
		}
	}
	while (end > start + 1 && (lines[end - 1] ?? '').trim() === '') end--;
	lines.splice(end, 0, line);
	return `${lines.join('\n')}\n`;
}

/** The OLLAMA_HOST value a drop-in sets (last assignment in a [Service] section wins), or null. */
export function dropInBind(text: string): string | null {
	let inService = false;
	let value: string | null = null;
	for (const raw of text.replace(/\r\n?/g, '\n').split('\n')) {
		const l = raw.trim();
		const header = /^\[(.+)\]$/.exec(l);
		if (header) {
			inService = header[1] === 'Service';
			continue;
		}
		if (!inService) continue;
		const m = /^Environment\s*=\s*(.*)$/.exec(l);
		if (!m) continue;
		for (const word of (m[1] ?? '').match(/"[^"]*"|\S+/g) ?? []) {
			const assignment = word.replace(/^"|"$/g, '');
			if (assignment.startsWith('OLLAMA_HOST=')) value = assignment.slice('OLLAMA_HOST='.length);
		}
	}
	return value;
}
