/**
 * Who listens on the Ollama port: `lsof -nP -iTCP:11434 -sTCP:LISTEN` (macOS) and
 * `ss -ltnp 'sport = :11434'` (Linux).
 */
import {bindScope, lines, parsePort, show, type Parsed, type Scope} from './common.js';

export interface Listener {
	/** Process name; null when `ss` ran without the privilege to show processes. */
	command: string | null;
	pid: number | null;
	/** The bind host as printed, brackets removed: `*`, `0.0.0.0`, `::`, `127.0.0.1`, `192.168.1.20`… */
	address: string;
	port: number;
	scope: Scope;
}

export type ListenersResult = Parsed<{listeners: Listener[]}>;

/** Split `host:port` where host may be `*`, bracketed IPv6, or bare IPv6 (`:::11434`). */
function splitAddress(text: string): {address: string; portText: string} | null {
	if (text.startsWith('[')) {
		const end = text.indexOf(']');
		if (end < 0 || text[end + 1] !== ':') return null;
		return {address: text.slice(1, end), portText: text.slice(end + 2)};
	}
	const colon = text.lastIndexOf(':');
	if (colon < 0) return null;
	return {address: text.slice(0, colon), portText: text.slice(colon + 1)};
}

function makeListener(command: string | null, pid: number | null, local: string): Listener | string {
	const split = splitAddress(local);
	if (!split) return `the address ${show(local)} is not HOST:PORT`;
	const port = parsePort(split.portText);
	if (port === null) {
		return `the port in ${show(local)} is not a number (a service name means the command ran without -P / -n)`;
	}
	// ss prints a zone as `127.0.0.53%lo`; keep the address itself.
	const address = split.address.replace(/%[^%]*$/, '');
	return {command, pid, address, port, scope: bindScope(address)};
}

// COMMAND PID USER FD TYPE DEVICE SIZE/OFF NODE NAME, e.g.
// `ollama   921 me  3u  IPv4 0x888e…  0t0  TCP 127.0.0.1:11434 (LISTEN)`
const LSOF_ROW = /^(\S+)\s+(\d+)\s+.*?\s(TCP|UDP)\s+(\S+?)(?:->\S+)?(?:\s+\(([A-Z_]+)\))?\s*$/;

/**
 * Parse `lsof -nP -iTCP:<port> -sTCP:LISTEN`, with or without its header line. Only TCP LISTEN
 * rows are returned (filter by port with {@link summariseListeners}). Empty output is valid: lsof
 * prints nothing (exit 1) when nothing listens.
 */
export function parseLsofListeners(stdout: string): ListenersResult {
	const listeners: Listener[] = [];
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.trimEnd();
		if (line.trim() === '') continue;
		if (/^COMMAND\s+PID\b/.test(line)) continue;
		const match = LSOF_ROW.exec(line);
		if (!match) {
			return {ok: false, problem: `Line ${index + 1} of the lsof output is not a socket row: ${show(line)}.`, listeners: []};
		}
		const [, command = '', pidText = '', protocol, local = '', state] = match;
		if (protocol !== 'TCP' || (state !== undefined && state !== 'LISTEN')) continue;
		const listener = makeListener(command.replace(/\\x20/g, ' '), Number(pidText), local);
		if (typeof listener === 'string') {
			return {ok: false, problem: `In line ${index + 1} of the lsof output ${listener}.`, listeners: []};
		}
		listeners.push(listener);
	}
	return {ok: true, listeners};
}

/**
 * Parse `ss -ltnp` (with or without the Netid column). Rows that are not LISTEN are skipped; the
 * header (or nothing at all) means nothing listens.
 */
export function parseSsListeners(stdout: string): ListenersResult {
	const listeners: Listener[] = [];
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.trim();
		if (line === '') continue;
		if (/^(Netid\s+)?State\s+Recv-Q/i.test(line)) continue;
		const fields = line.split(/\s+/);
		const stateAt = fields.findIndex((field) => /^[A-Z][A-Z0-9-]+$/.test(field) && field !== 'tcp');
		const state = fields[stateAt];
		const local = fields[stateAt + 3];
		if (stateAt < 0 || stateAt > 1 || state === undefined || local === undefined || fields[stateAt + 4] === undefined) {
			return {ok: false, problem: `Line ${index + 1} of the ss output is not a socket row: ${show(line)}.`, listeners: []};
		}
		if (stateAt === 1 && fields[0] !== 'tcp' && fields[0] !== 'tcp6') continue;
		if (state !== 'LISTEN') continue;
		const users = /users:\(\("((?:[^"\\]|\\.)*)",pid=(\d+)/.exec(fields.slice(stateAt + 5).join(' '));
		const listener = makeListener(users?.[1] ?? null, users?.[2] === undefined ? null : Number(users[2]), local);
		if (typeof listener === 'string') {
			return {ok: false, problem: `In line ${index + 1} of the ss output ${listener}.`, listeners: []};
		}
		listeners.push(listener);
	}
	return {ok: true, listeners};
}

export type ListenerState = 'none' | 'loopback' | 'all' | 'specific' | 'duplicate';

export interface ListenerSummary {
	state: ListenerState;
	port: number;
	/** The LISTEN rows on `port` (rows for other ports, e.g. the app UI, are dropped). */
	listeners: Listener[];
	/** Distinct PIDs among them (unknown PIDs are left out). */
	pids: number[];
	/** The bind address when exactly one server listens. */
	address: string | null;
	/** One sentence for the step's summary line. */
	sentence: string;
}

function describe(listener: Listener): string {
	const host = listener.address.includes(':') ? `[${listener.address}]` : listener.address;
	const who = listener.command === null ? 'a process' : listener.pid === null ? listener.command : `${listener.command} (PID ${listener.pid})`;
	return `${who} on ${host}:${listener.port}`;
}

/**
 * Reduce listeners to one state for `port`: none, loopback only, all interfaces, one specific
 * interface, or duplicate (more than one LISTEN row: two servers fight over the port).
 */
export function summariseListeners(listeners: readonly Listener[], port = 11434): ListenerSummary {
	const onPort: Listener[] = [];
	for (const listener of listeners) {
		if (listener.port !== port) continue;
		// The same socket may be reported twice (e.g. one fd shared by a forked child); count it once.
		if (onPort.some((seen) => seen.pid === listener.pid && seen.address === listener.address && seen.command === listener.command)) continue;
		onPort.push(listener);
	}
	const pids = [...new Set(onPort.flatMap((listener) => (listener.pid === null ? [] : [listener.pid])))];
	const base = {port, listeners: onPort, pids};
	const [only] = onPort;
	if (only === undefined) {
		return {...base, state: 'none', address: null, sentence: `Nothing is listening on TCP port ${port}.`};
	}
	if (onPort.length > 1) {
		return {
			...base,
			state: 'duplicate',
			address: null,
			sentence: `${onPort.length} servers listen on port ${port} at once: ${onPort.map(describe).join('; ')}. Keep exactly one.`,
		};
	}
	const reach = {
		all: 'all interfaces, so other machines can connect',
		loopback: 'loopback only, so other machines cannot connect',
		specific: 'that interface only',
	}[only.scope];
	return {...base, state: only.scope, address: only.address, sentence: `One server listens: ${describe(only)} (${reach}).`};
}
