/**
 * Twingate client output: Linux `twingate status` and `twingate resources`;
 * macOS `scutil --nc list` and `networksetup -showpppoestatus "Twingate"`; and the Resource alias
 * rules.
 */
import {firstLine, lines, parseIp, show, type Parsed} from './common.js';

export type TwingateStatus = 'online' | 'offline' | 'not-running' | 'authenticating' | 'starting' | 'unknown';

/**
 * `twingate status` prints one word (`twingate status -v`: `Online: User`). Read the first line,
 * case-insensitively; anything unrecognised is 'unknown', which callers treat as "not online".
 */
export function parseTwingateStatus(stdout: string): TwingateStatus {
	const line = firstLine(stdout).toLowerCase();
	const word = /^(online|offline|not[- _]running|authenticating|starting)\b/.exec(line)?.[1];
	if (word === undefined) return /\bis not running\b/.test(line) ? 'not-running' : 'unknown';
	if (word.startsWith('not')) return 'not-running';
	return word as TwingateStatus;
}

export type ResourceAuth = 'none' | 'authorised' | 'needs-auth' | 'unknown';

export interface TwingateResource {
	name: string;
	address: string;
	/** null for an empty cell or `-`. */
	alias: string | null;
	/** Raw AUTH STATUS text; null when empty (no authentication required). */
	authStatus: string | null;
	/** What AUTH STATUS means; 'unknown' texts are kept raw and must not trigger `twingate auth`. */
	auth: ResourceAuth;
	/** The group heading above the table (`MAIN RESOURCES`), null for older clients without one. */
	group: string | null;
}

function classifyAuth(status: string | null): ResourceAuth {
	if (status === null) return 'none';
	if (/^auth expires in\b/i.test(status)) return 'authorised';
	if (/^(not authenticated|auth required)$/i.test(status)) return 'needs-auth';
	return 'unknown';
}

const HEADER = /^RESOURCE NAME\s*(\t|\s{2,})\s*ADDRESS\b/i;
const GROUP_HEADING = /^[A-Z][A-Z0-9 _-]*RESOURCES$/;

function cellValue(text: string | undefined): string | null {
	const value = (text ?? '').trim();
	return value === '' || value === '-' ? null : value;
}

/**
 * Parse `twingate resources`: a tab-separated table (cells may be space-padded before the tab,
 * `-` = empty), optionally split into groups by headings such as `MAIN RESOURCES`, each repeating
 * the header. No header line means no table (e.g. "Twingate must be connected …") → ok:false.
 */
export function parseTwingateResources(stdout: string): Parsed<{resources: TwingateResource[]}> {
	const resources: TwingateResource[] = [];
	let group: string | null = null;
	let inTable = false;
	let headerStarts: number[] | null = null;
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.replace(/\s+$/, (space) => space.replace(/[^\t]/g, ''));
		if (line.trim() === '') continue;
		if (HEADER.test(line)) {
			inTable = true;
			headerStarts = line.includes('\t') ? null : ['RESOURCE NAME', 'ADDRESS', 'ALIAS', 'AUTH STATUS'].map((name) => line.toUpperCase().indexOf(name));
			continue;
		}
		if (!line.includes('\t') && GROUP_HEADING.test(line.trim())) {
			group = line.trim();
			inTable = false;
			continue;
		}
		if (!inTable) continue;
		let cells: string[];
		if (line.includes('\t')) cells = line.split('\t');
		else if (headerStarts && headerStarts.every((start) => start >= 0)) {
			const starts = headerStarts;
			cells = starts.map((start, column) => raw.slice(start, starts[column + 1]));
		} else cells = [line];
		const name = cellValue(cells[0]);
		const address = cellValue(cells[1]);
		if (name === null || address === null) {
			return {ok: false, problem: `Line ${index + 1} of the twingate resources output is not a NAME/ADDRESS row: ${show(raw)}.`, resources: []};
		}
		const authStatus = cellValue(cells[3]);
		resources.push({name, address, alias: cellValue(cells[2]), authStatus, auth: classifyAuth(authStatus), group});
	}
	if (resources.length === 0 && !lines(stdout).some((line) => HEADER.test(line))) {
		const said = firstLine(stdout);
		return {
			ok: false,
			problem: said === '' ? 'twingate resources printed nothing.' : `twingate resources printed no table; it said ${show(said)}.`,
			resources,
		};
	}
	return {ok: true, resources};
}

export interface NcService {
	/** `*` in the first column: the service is enabled in the current set. */
	enabled: boolean;
	/** `Connected`, `Disconnected`, `Connecting`, … as printed. */
	state: string;
	id: string;
	/** e.g. `VPN (com.twingate.macos.tunnelprovider)` or `IPSec`. */
	type: string;
	name: string;
	/** The bracketed tail, e.g. `VPN/com.twingate.macos.tunnelprovider`; '' when absent. */
	kind: string;
}

export interface ScutilNcList {
	services: NcService[];
	/** A Twingate VPN service is listed (the network extension is installed). */
	present: boolean;
	/** Its state as printed, null when not listed. */
	state: string | null;
	connected: boolean | null;
}

const NC_LINE = /^([* ])?\s*\(([^)]*)\)\s+([0-9A-Fa-f]{8}-[0-9A-Fa-f-]{27})\s+(.*?)\s*"((?:[^"\\]|\\.)*)"\s*(?:\[([^\]]*)\])?\s*$/;

/**
 * Parse `scutil --nc list` (or its `| grep -i twingate` excerpt; empty then means not listed).
 * Lines look like `* (Connected)  <UUID> VPN (com.twingate.macos.tunnelprovider) "Twingate"  [VPN/…]`.
 */
export function parseScutilNcList(stdout: string): Parsed<ScutilNcList> {
	const services: NcService[] = [];
	for (const [index, raw] of lines(stdout).entries()) {
		const line = raw.trimEnd();
		if (line.trim() === '' || /^Available network connection services/i.test(line)) continue;
		const match = NC_LINE.exec(line);
		if (!match) {
			return {
				ok: false,
				problem: `Line ${index + 1} of the scutil --nc list output is not a service line: ${show(line.trim())}.`,
				services: [],
				present: false,
				state: null,
				connected: null,
			};
		}
		services.push({
			enabled: match[1] === '*',
			state: match[2] ?? '',
			id: match[3] ?? '',
			type: match[4] ?? '',
			name: match[5] ?? '',
			kind: match[6] ?? '',
		});
	}
	const twingate = services.find((service) => /twingate/i.test(`${service.type} ${service.kind}`)) ?? services.find((service) => /twingate/i.test(service.name));
	if (!twingate) return {ok: true, services, present: false, state: null, connected: null};
	return {ok: true, services, present: true, state: twingate.state, connected: /^connected$/i.test(twingate.state)};
}

export type PppoeStatus = 'connected' | 'disconnected' | 'connecting' | 'disconnecting' | 'missing' | 'unknown';

/**
 * `networksetup -showpppoestatus "Twingate"`: `connected` / `disconnected`; an empty reply means the
 * Twingate adapter is missing (help article 8648750331).
 */
export function parsePppoeStatus(stdout: string): PppoeStatus {
	const text = firstLine(stdout).toLowerCase();
	if (text === '' || /not a recognized network service/.test(text)) return 'missing';
	const word = /^(connected|disconnected|connecting|disconnecting)\b/.exec(text)?.[1];
	return (word as PppoeStatus | undefined) ?? 'unknown';
}

export type AliasCheck = {ok: true; alias: string} | {ok: false; problem: string};

/**
 * A Twingate Resource alias: a DNS name with at least one dot, not ending in
 * `.local` (mDNS answers those, not Twingate), labels of letters, digits and inner hyphens.
 * Returns the alias in lower case.
 */
export function isValidAlias(input: string): AliasCheck {
	const alias = input.trim();
	const shown = show(alias);
	if (alias === '') return {ok: false, problem: 'The alias is empty; give a name such as ollama.internal.'};
	if (/[\s/:@?#]/.test(alias)) {
		return {ok: false, problem: `The alias ${shown} must be a bare host name: no scheme, port, path or spaces (e.g. ollama.internal).`};
	}
	if (alias.includes('*')) return {ok: false, problem: `The alias ${shown} has a wildcard; an alias names exactly one host.`};
	if (parseIp(alias) || /^[\d.]+$/.test(alias)) {
		return {ok: false, problem: `The alias ${shown} is an IP address; an alias is a name such as ollama.internal.`};
	}
	if (alias.length > 253) return {ok: false, problem: `The alias is ${alias.length} characters long; DNS names are at most 253.`};
	if (!alias.includes('.')) return {ok: false, problem: `The alias ${shown} needs at least one dot, e.g. ${alias}.internal.`};
	if (alias.endsWith('.')) return {ok: false, problem: `The alias ${shown} ends with a dot; leave it off.`};
	if (alias.startsWith('.') || alias.includes('..')) return {ok: false, problem: `The alias ${shown} has an empty label (a leading dot or two dots in a row).`};
	if (/\.local$/i.test(alias)) {
		return {
			ok: false,
			problem: `The alias ${shown} ends in .local, which macOS and Linux resolve with mDNS instead of Twingate; use e.g. ${alias.replace(/\.local$/i, '.internal')}.`,
		};
	}
	for (const label of alias.split('.')) {
		if (label.length > 63) return {ok: false, problem: `The label ${show(label)} in the alias is ${label.length} characters long; DNS allows at most 63.`};
		if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(label)) {
			return {
				ok: false,
				problem: `The label ${show(label)} in the alias ${shown} may only hold letters, digits and hyphens, and must not start or end with a hyphen.`,
			};
		}
	}
	if (/^\d+$/.test(alias.split('.').pop() ?? '')) return {ok: false, problem: `The alias ${shown} ends in a numeric label; a top-level label must contain a letter.`};
	return {ok: true, alias: alias.toLowerCase()};
}
