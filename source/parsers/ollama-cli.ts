/**
 * The `ollama` CLI and server log: `ollama -v`, `ollama list` / `ollama ps`,
 * `Listening on …` and `server config env=map[…]` log lines.
 */
import {bindScope, firstLine, lines, parsePort, show, type Parsed, type Scope} from './common.js';

const VERSION = /^v?\d+(?:\.\d+)*(?:[-+][0-9A-Za-z.+-]*)?$/;

export interface OllamaVersion {
	/** The server's version; null when no server answered. */
	serverVersion: string | null;
	/** The CLI's own version (equal to the server's unless a warning said otherwise). */
	clientVersion: string | null;
	serverReachable: boolean;
	/** Server and client versions differ (the CLI printed both). */
	mismatch: boolean;
}

/**
 * Parse `ollama -v` (stdout and stderr together). Three forms: `ollama version is X`;
 * no server (`Warning: could not connect …` + `Warning: client version is X`); mismatch
 * (`ollama version is X` + `Warning: client version is Y`).
 */
export function parseOllamaVersion(output: string): Parsed<OllamaVersion> {
	const empty = {serverVersion: null, clientVersion: null, serverReachable: false, mismatch: false};
	const server = /ollama version (?:is )?(\S+)/i.exec(output)?.[1];
	const client = /client version is (\S+)/i.exec(output)?.[1];
	const noServer = /could not connect to (?:a running Ollama instance|ollama)/i.test(output);
	for (const version of [server, client]) {
		if (version !== undefined && !VERSION.test(version)) {
			return {ok: false, problem: `ollama -v printed ${show(version)} where a version number was expected.`, ...empty};
		}
	}
	if (server === undefined && client === undefined) {
		const said = firstLine(output);
		return {ok: false, problem: said === '' ? 'ollama -v printed nothing.' : `ollama -v printed no version; it said ${show(said)}.`, ...empty};
	}
	if (server === undefined || noServer) {
		return {ok: true, serverVersion: null, clientVersion: client ?? server ?? null, serverReachable: false, mismatch: false};
	}
	const clientVersion = client ?? server;
	return {ok: true, serverVersion: server, clientVersion, serverReachable: true, mismatch: clientVersion !== server};
}

interface SplitVersion {
	numbers: number[];
	/** Pre-release identifiers (`rc1` → ['rc1']); empty for a release. */
	pre: string[];
}

function splitVersion(version: string): SplitVersion | null {
	const text = version.trim().replace(/^v/i, '').replace(/\+.*$/, '');
	const match = /^(\d+(?:\.\d+)*)(?:-(.+))?$/.exec(text);
	if (!match?.[1]) return null;
	return {numbers: match[1].split('.').map(Number), pre: match[2] ? match[2].split('.') : []};
}

function sign(value: number): -1 | 0 | 1 {
	return value < 0 ? -1 : value > 0 ? 1 : 0;
}

/** Compare identifiers like `rc1` / `rc10` naturally (letters as text, digit runs as numbers). */
function compareIdentifier(a: string, b: string): -1 | 0 | 1 {
	const partsA = a.match(/\d+|\D+/g) ?? [];
	const partsB = b.match(/\d+|\D+/g) ?? [];
	for (let i = 0; i < Math.max(partsA.length, partsB.length); i++) {
		const x = partsA[i];
		const y = partsB[i];
		if (x === undefined) return -1;
		if (y === undefined) return 1;
		const bothNumbers = /^\d/.test(x) && /^\d/.test(y);
		const result = bothNumbers ? sign(Number(x) - Number(y)) : sign(x.localeCompare(y, 'en'));
		if (result !== 0) return result;
	}
	return 0;
}

/**
 * Compare two versions: -1 if a < b, 0 if equal, 1 if a > b. Missing parts count as 0
 * (`0.12` = `0.12.0`); a pre-release sorts before its release (`0.1.32-rc1` < `0.1.32`); build
 * metadata (`+…`) and a leading `v` are ignored. A string that is not a version sorts below any version.
 */
export function compareVersions(a: string, b: string): -1 | 0 | 1 {
	const x = splitVersion(a);
	const y = splitVersion(b);
	if (!x || !y) return x ? 1 : y ? -1 : 0;
	for (let i = 0; i < Math.max(x.numbers.length, y.numbers.length); i++) {
		const result = sign((x.numbers[i] ?? 0) - (y.numbers[i] ?? 0));
		if (result !== 0) return result;
	}
	if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
	for (let i = 0; i < Math.max(x.pre.length, y.pre.length); i++) {
		const p = x.pre[i];
		const q = y.pre[i];
		if (p === undefined) return -1;
		if (q === undefined) return 1;
		const result = compareIdentifier(p, q);
		if (result !== 0) return result;
	}
	return 0;
}

/** `version >= minimum`; false when `version` is not a version at all. */
export function isAtLeast(version: string, minimum: string): boolean {
	return splitVersion(version) !== null && compareVersions(version, minimum) >= 0;
}

/**
 * Cut a column-aligned table into cells. Cells are split on tabs or runs of 2+ spaces (cells such
 * as `4.7 GB` contain single spaces); when that gives the wrong count, fall back to the header's
 * column offsets.
 */
function tableRows(stdout: string, command: string, columns: readonly string[]): Parsed<{names: string[]; rows: string[][]}> {
	const all = lines(stdout).filter((line) => line.trim() !== '');
	const [header, ...body] = all;
	if (header === undefined) return {ok: false, problem: `${command} printed nothing.`, names: [], rows: []};
	const names = header.trim().split(/\s+/);
	if (names[0] !== 'NAME' || !columns.every((column) => names.includes(column))) {
		return {ok: false, problem: `${command} did not start with the ${columns.join(' ')} header; it said ${show(header.trim())}.`, names: [], rows: []};
	}
	const starts: number[] = [];
	let from = 0;
	for (const name of names) {
		const at = header.indexOf(name, from);
		starts.push(at);
		from = at + name.length;
	}
	const rows: string[][] = [];
	for (const line of body) {
		let cells = line.trim().split(/\t+| {2,}/).map((text) => text.trim());
		if (cells.length !== names.length) {
			cells = starts.map((start, index) => line.slice(start, starts[index + 1]).trim());
		}
		if ((cells[0] ?? '') === '') return {ok: false, problem: `${command} printed a row without a NAME: ${show(line)}.`, names: [], rows: []};
		rows.push(names.map((_, index) => cells[index] ?? ''));
	}
	return {ok: true, names, rows};
}

function cell(row: readonly string[], names: readonly string[], name: string): string {
	const index = names.indexOf(name);
	return index < 0 ? '' : (row[index] ?? '');
}

export interface OllamaModel {
	name: string;
	id: string;
	size: string;
	modified: string;
}

/** Parse `ollama list` (the header has trailing spaces). Header only = no models. */
export function parseOllamaList(stdout: string): Parsed<{models: OllamaModel[]}> {
	const table = tableRows(stdout, 'ollama list', ['NAME', 'ID', 'SIZE', 'MODIFIED']);
	if (!table.ok) return {ok: false, problem: table.problem, models: []};
	const {names} = table;
	return {
		ok: true,
		models: table.rows.map((row) => ({
			name: cell(row, names, 'NAME'),
			id: cell(row, names, 'ID'),
			size: cell(row, names, 'SIZE'),
			modified: cell(row, names, 'MODIFIED'),
		})),
	};
}

export interface OllamaRunningModel {
	name: string;
	id: string;
	size: string;
	processor: string;
	/** Context length (newer `ps` only); null when the column is absent. */
	context: number | null;
	until: string;
}

/** Parse `ollama ps`, old (`NAME ID SIZE PROCESSOR UNTIL`) and new (`… CONTEXT UNTIL`) headers. */
export function parseOllamaPs(stdout: string): Parsed<{models: OllamaRunningModel[]}> {
	const table = tableRows(stdout, 'ollama ps', ['NAME', 'ID', 'SIZE', 'PROCESSOR', 'UNTIL']);
	if (!table.ok) return {ok: false, problem: table.problem, models: []};
	const {names} = table;
	const models: OllamaRunningModel[] = [];
	for (const row of table.rows) {
		const contextText = cell(row, names, 'CONTEXT');
		models.push({
			name: cell(row, names, 'NAME'),
			id: cell(row, names, 'ID'),
			size: cell(row, names, 'SIZE'),
			processor: cell(row, names, 'PROCESSOR'),
			context: /^\d+$/.test(contextText) ? Number(contextText) : null,
			until: cell(row, names, 'UNTIL'),
		});
	}
	return {ok: true, models};
}

export interface ListeningLine {
	/** As logged, e.g. `127.0.0.1:11434` or `[::]:11434`. */
	address: string;
	/** Host without brackets: `127.0.0.1`, `::`. */
	host: string;
	port: number;
	/** `[::]` (what `0.0.0.0` logs as) → all. */
	scope: Scope;
	version: string | null;
}

/**
 * Find the newest `Listening on <addr> (version <v>)` in a server log excerpt. Works on one
 * line or on a whole log; the last match wins.
 */
export function parseListeningLog(text: string): Parsed<ListeningLine> {
	const pattern = /Listening on (\S+?)(?: \(version ([^)\s]+)\))?(?:"|$|\s)/gm;
	let last: RegExpExecArray | null = null;
	for (const match of text.matchAll(pattern)) last = match;
	const empty = {address: '', host: '', port: 0, scope: 'specific' as const, version: null};
	if (!last?.[1]) return {ok: false, problem: 'The server log has no "Listening on" line.', ...empty};
	const address = last[1];
	const split = /^(?:\[([^\]]*)\]|([^:]*)):(\d+)$/.exec(address);
	const port = parsePort(split?.[3] ?? '');
	if (!split || port === null) {
		return {ok: false, problem: `The log says "Listening on ${address}", which is not HOST:PORT.`, ...empty};
	}
	const host = split[1] ?? split[2] ?? '';
	return {ok: true, address, host, port, scope: bindScope(host), version: last[2] ?? null};
}

/**
 * The OLLAMA_HOST value the server actually used, from the newest `server config env=map[…]` log
 * line, e.g. `http://127.0.0.1:11434`. Empty value → '' (printed as `OLLAMA_HOST:`).
 */
export function parseServerConfigHost(text: string): Parsed<{value: string}> {
	const configs = lines(text).filter((line) => /server config/.test(line) && /env="?map\[/.test(line));
	const line = configs[configs.length - 1];
	if (line === undefined) return {ok: false, problem: 'The server log has no "server config env=map[…]" line.', value: ''};
	const match = /OLLAMA_HOST:(\S*)/.exec(line);
	if (!match) return {ok: false, problem: 'The "server config" log line does not mention OLLAMA_HOST.', value: ''};
	let value = match[1] ?? '';
	// The map's closing `]` (and quote) stick to the last value; keep brackets that belong to an IPv6 host.
	value = value.replace(/"$/, '');
	while (value.endsWith(']') && (value.match(/\]/g) ?? []).length > (value.match(/\[/g) ?? []).length) value = value.slice(0, -1);
	return {ok: true, value};
}
