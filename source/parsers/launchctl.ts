/**
 * launchd output on macOS: `launchctl print gui/<uid>/<label>` (its man page calls the output "NOT API":
 * parse defensively), the legacy `launchctl list <label>` dict, `launchctl list` rows and error texts.
 */
import {firstLine, lines, show, type Parsed} from './common.js';

export interface LaunchctlService {
	/** False when launchd does not know the label (exit 113, `Could not find service`). */
	found: boolean;
	/** The first top-level `state =` (nested blocks contain their own `state = active`). */
	state?: string;
	pid?: number;
	program?: string;
	arguments?: string[];
	/** Top-level `path =`: the plist launchd loaded. */
	path?: string;
	/** The `environment = { KEY => value }` block. */
	environment: Record<string, string>;
	/** `last exit code = 78: EX_CONFIG` → 78 (absent for `(never exited)`). */
	lastExitCode?: number;
	/** The text after the code, e.g. `EX_CONFIG`. */
	lastExitDetail?: string;
}

export type LaunchctlPrintResult = Parsed<LaunchctlService>;

const NOT_FOUND = /Could not find service/i;

/** Parse `launchctl print <domain>/<label>` given its stdout (stderr may be appended) and exit code. */
export function parseLaunchctlPrint(stdout: string, exitCode: number): LaunchctlPrintResult {
	const environment: Record<string, string> = {};
	if (exitCode === 113 || NOT_FOUND.test(stdout)) return {ok: true, found: false, environment};
	if (exitCode !== 0) {
		const said = firstLine(stdout);
		return {
			ok: false,
			problem: `launchctl print exited with code ${exitCode}${said === '' ? ' and printed nothing' : `: ${show(said)}`}.`,
			found: false,
			environment,
		};
	}
	const service: LaunchctlService = {found: true, environment};
	const top = new Map<string, string>();
	// Depth 0 is outside the service block, 1 its top level, 2+ nested blocks.
	let depth = 0;
	let sawService = false;
	let block: string | null = null;
	const args: string[] = [];
	for (const raw of lines(stdout)) {
		const line = raw.trim();
		if (line === '') continue;
		const open = /^(.*?)\s*=\s*\{$/.exec(line);
		if (open) {
			if (depth === 0) sawService = true;
			if (depth === 1) block = open[1] ?? '';
			depth++;
			continue;
		}
		if (line === '}') {
			depth = Math.max(0, depth - 1);
			if (depth <= 1) block = null;
			continue;
		}
		if (depth === 1) {
			const pair = /^(.+?)\s+=\s+(.*)$/.exec(line);
			if (pair?.[1] !== undefined && pair[2] !== undefined && !top.has(pair[1])) top.set(pair[1], pair[2]);
		} else if (depth === 2 && block === 'arguments') {
			args.push(line);
		} else if (depth === 2 && block === 'environment') {
			const env = /^(\S+)\s+=>\s?(.*)$/.exec(line);
			if (env?.[1] !== undefined) environment[env[1]] = env[2] ?? '';
		}
	}
	if (!sawService) {
		const said = firstLine(stdout);
		return {
			ok: false,
			problem: said === '' ? 'launchctl print printed nothing.' : `launchctl print did not show a service block; it said ${show(said)}.`,
			found: false,
			environment,
		};
	}
	const state = top.get('state');
	if (state !== undefined) service.state = state;
	const pid = top.get('pid');
	if (pid !== undefined && /^\d+$/.test(pid)) service.pid = Number(pid);
	const program = top.get('program');
	if (program !== undefined) service.program = program;
	const path = top.get('path');
	if (path !== undefined) service.path = path;
	if (args.length > 0) service.arguments = args;
	const exit = /^(-?\d+)(?::\s*(.*))?$/.exec(top.get('last exit code') ?? '');
	if (exit?.[1] !== undefined) {
		service.lastExitCode = Number(exit[1]);
		if (exit[2]) service.lastExitDetail = exit[2];
	}
	return {ok: true, ...service};
}

export type PlistValue = string | number | boolean | string[];

export interface LaunchctlListDict {
	found: boolean;
	label?: string;
	pid?: number;
	program?: string;
	programArguments?: string[];
	/** As printed (a raw wait status for some macOS versions; 0 means a clean exit). */
	lastExitStatus?: number;
	/** Every top-level key of the dict (nested dicts are skipped). */
	values: Record<string, PlistValue>;
}

function plistScalar(text: string): string | number | boolean {
	const value = text.trim().replace(/;$/, '').trim();
	if (/^".*"$/.test(value)) return value.slice(1, -1).replace(/\\(.)/g, '$1');
	if (/^-?\d+$/.test(value)) return Number(value);
	if (value === 'true') return true;
	if (value === 'false') return false;
	return value;
}

/**
 * Parse the NeXTSTEP-style dict printed by `launchctl list <label>` (also inside
 * `brew services info <name> -d`): `"PID" = 24901;`, `"ProgramArguments" = ( "…"; );`.
 */
export function parseLaunchctlListDict(stdout: string): Parsed<LaunchctlListDict> {
	const values: Record<string, PlistValue> = {};
	if (NOT_FOUND.test(stdout)) return {ok: true, found: false, values};
	let depth = 0;
	let sawDict = false;
	let closed = false;
	let array: {key: string; items: string[]} | null = null;
	for (const raw of lines(stdout)) {
		const line = raw.trim();
		if (line === '' || closed) continue;
		if (depth === 0) {
			if (line === '{') {
				depth = 1;
				sawDict = true;
			}
			continue;
		}
		if (array) {
			if (/^\);?$/.test(line)) {
				values[array.key] = array.items;
				array = null;
			} else {
				array.items.push(String(plistScalar(line)));
			}
			continue;
		}
		if (/^\};?$/.test(line)) {
			depth--;
			if (depth === 0) closed = true;
			continue;
		}
		const pair = /^"((?:[^"\\]|\\.)*)"\s*=\s*(.*)$/.exec(line);
		if (!pair) continue;
		const key = pair[1] ?? '';
		const rest = (pair[2] ?? '').trim();
		if (rest === '{') {
			depth++;
			continue;
		}
		if (depth !== 1) continue;
		if (rest === '(') array = {key, items: []};
		else values[key] = plistScalar(rest);
	}
	if (!sawDict || !closed) {
		const said = firstLine(stdout);
		const problem = !sawDict
			? said === ''
				? 'launchctl list printed nothing.'
				: `launchctl list did not print a { … } dict; it said ${show(said)}.`
			: 'The launchctl list dict is cut off before its closing brace.';
		return {ok: false, problem, found: false, values: {}};
	}
	const dict: LaunchctlListDict = {found: true, values};
	const {Label: label, PID: pid, Program: program, ProgramArguments: programArguments, LastExitStatus: lastExitStatus} = values;
	if (typeof label === 'string') dict.label = label;
	if (typeof pid === 'number') dict.pid = pid;
	if (typeof program === 'string') dict.program = program;
	if (Array.isArray(programArguments)) dict.programArguments = programArguments;
	if (typeof lastExitStatus === 'number') dict.lastExitStatus = lastExitStatus;
	return {ok: true, ...dict};
}

export interface LaunchctlJob {
	/** null when the job is loaded but not running (`-`). */
	pid: number | null;
	/** Last exit status; negative means killed by that signal; null for `-`. */
	status: number | null;
	label: string;
}

/** Parse `launchctl list` rows (`PID\tStatus\tLabel`), e.g. piped through `grep -i ollama`. */
export function parseLaunchctlList(stdout: string): Parsed<{jobs: LaunchctlJob[]}> {
	const jobs: LaunchctlJob[] = [];
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.trim();
		if (line === '' || /^PID\s+Status\s+Label$/i.test(line)) continue;
		const row = /^(-|\d+)\s+(-|-?\d+)\s+(\S.*)$/.exec(line);
		if (!row) {
			return {ok: false, problem: `Line ${index + 1} of the launchctl list output is not PID, status and label: ${show(line)}.`, jobs: []};
		}
		const [, pid = '-', status = '-', label = ''] = row;
		jobs.push({pid: pid === '-' ? null : Number(pid), status: status === '-' ? null : Number(status), label});
	}
	return {ok: true, jobs};
}

export type LaunchctlError = 'already-loaded' | 'no-gui-domain' | 'not-loaded' | 'unknown';

/**
 * Classify launchctl's stderr: `Bootstrap failed: 5: Input/output error` means the job is
 * already loaded or still being torn down; `Could not find domain for user gui: 501` means no GUI
 * login (e.g. over SSH); `Could not find service` / `Boot-out failed: 3` means it is not loaded.
 */
export function parseLaunchctlError(stderr: string): LaunchctlError {
	if (/Could not find domain for|Domain does not support specified action/i.test(stderr)) return 'no-gui-domain';
	if (/Bootstrap failed: (5|37)\b|service already loaded|already bootstrapped|Operation already in progress/i.test(stderr)) {
		return 'already-loaded';
	}
	if (/Could not find service|Boot-out failed: 3\b|No such process/i.test(stderr)) return 'not-loaded';
	return 'unknown';
}
