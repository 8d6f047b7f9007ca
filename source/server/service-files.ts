/**
 * The two service files the wizard writes on the Ollama host:
 * - macOS: the wizard-owned LaunchAgent `~/Library/LaunchAgents/com.ollama.server.plist` (the label and
 *   path the hand-followed guide uses), built with the `plist` package around the binary found on this machine, never a
 *   hard-coded /usr/local/bin/ollama;
 * - Linux: the systemd drop-in `/etc/systemd/system/ollama.service.d/override.conf` with a `[Service]`
 *   header (systemd ignores an assignment outside of a section) and `Environment="OLLAMA_HOST=…"`
 *   (https://github.com/ollama/ollama/blob/main/docs/faq.md#setting-environment-variables-on-linux).
 *
 * A drop-in the user already has is read the way systemd reads it (systemd.syntax(7),
 * https://www.freedesktop.org/software/systemd/man/latest/systemd.syntax.html): a line ending in an
 * unescaped backslash continues on the next one (the backslash read as a space), comment lines inside
 * such a continuation are skipped, an empty line ends it, and an `Environment=` value is split into
 * words with quotes and C escapes. The wizard's rewrite keeps every other line byte for byte.
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

/** systemd's WHITESPACE for stripping lines, keys and values. */
const WS = /^[ \t\n\r]+|[ \t\n\r]+$/g;
const strip = (s: string): string => s.replace(WS, '');

/** A line of the file as written (terminator kept, so unchanged lines are written back byte for byte). */
interface PhysicalLine {
	text: string;
	eol: string;
}

/** One line as systemd reads it: continuation lines joined, comment lines inside the continuation skipped. */
export interface DropInEntry {
	/** 0-based index of the first and last physical line (the last one ends the continuation). */
	start: number;
	end: number;
	kind: 'blank' | 'comment' | 'header' | 'assignment' | 'ignored';
	/** The joined text (a continuation's backslash replaced by a space), as systemd parses it. */
	text: string;
	/** The section the line is in (for a header, the section it opens); null before any header. */
	section: string | null;
	key?: string;
	value?: string;
	/** The file ended while this line was still continued (its last line ends in a backslash). */
	unterminated?: boolean;
}

export type DropInRead = {ok: true; lines: PhysicalLine[]; entries: DropInEntry[]} | {ok: false; line: number; problem: string};

function physicalLines(text: string): PhysicalLine[] {
	const out: PhysicalLine[] = [];
	const re = /([^\r\n]*)(\r\n|\n|\r|$)/g;
	let m: RegExpExecArray | null;
	while ((m = re.exec(text)) !== null) {
		if (m[0] === '') break;
		out.push({text: m[1] ?? '', eol: m[2] ?? ''});
	}
	return out;
}

/** Does the line end in a backslash that escapes nothing (a continuation)? systemd scans escapes left to right. */
function continues(line: string): boolean {
	let escaped = false;
	for (const c of line) escaped = escaped ? false : c === '\\';
	return escaped;
}

const shown = (s: string): string => {
	const t = [...s].map((c) => (c.charCodeAt(0) < 0x20 || c === '\u007f' ? ' ' : c)).join('');
	return t.length > 80 ? `${t.slice(0, 77)}…` : t;
};

/**
 * Reads a drop-in the way systemd's config parser does. Refused (with the line) only where systemd
 * itself would not load the unit: a `[` line that is not a section header.
 */
export function readDropIn(text: string): DropInRead {
	const lines = physicalLines(text);
	const entries: DropInEntry[] = [];
	let section: string | null = null;
	let pending = null as {text: string; start: number} | null;

	const finish = (joined: string, start: number, end: number, unterminated: boolean): {line: number; problem: string} | null => {
		const l = strip(joined);
		const base = {start, end, text: joined, section, ...(unterminated ? {unterminated} : {})};
		if (l === '') entries.push({...base, kind: 'blank'});
		else if (l.startsWith('#') || l.startsWith(';')) entries.push({...base, kind: 'comment'});
		else if (l.startsWith('[')) {
			if (l.length < 3 || !l.endsWith(']')) {
				return {line: start + 1, problem: `("${shown(l)}") is not a valid section header, so systemd does not load ollama.service with this drop-in`};
			}
			section = l.slice(1, -1);
			entries.push({...base, kind: 'header', section});
		} else {
			const eq = l.indexOf('=');
			// systemd ignores (with a warning) an assignment outside of a section and a line without '='.
			if (section === null || eq < 0) entries.push({...base, kind: 'ignored'});
			else entries.push({...base, kind: 'assignment', key: strip(l.slice(0, eq)), value: strip(l.slice(eq + 1))});
		}
		return null;
	};

	for (let i = 0; i < lines.length; i++) {
		let raw = lines[i]?.text ?? '';
		if (i === 0 && raw.startsWith('\uFEFF')) raw = raw.slice(1);
		const lead = raw.replace(/^[ \t\n\r]+/, '');
		// A comment line is skipped before anything else, also in the middle of a continuation.
		if (lead !== '' && (lead[0] === '#' || lead[0] === ';')) {
			if (!pending) entries.push({start: i, end: i, kind: 'comment', text: raw, section});
			continue;
		}
		const start: number = pending ? pending.start : i;
		const joined: string = (pending ? pending.text : '') + raw;
		if (continues(raw)) {
			pending = {text: `${joined.slice(0, -1)} `, start};
			continue;
		}
		const bad = finish(joined, start, i, false);
		if (bad) return {ok: false, ...bad};
		pending = null;
	}
	if (pending) {
		const bad = finish(pending.text, pending.start, lines.length - 1, true);
		if (bad) return {ok: false, ...bad};
	}
	return {ok: true, lines, entries};
}

const SIMPLE_ESCAPES: Record<string, string> = {a: '\u0007', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', s: ' ', '\\': '\\', '"': '"', "'": "'"};

/** One C escape after a backslash (systemd's cunescape_one); null when it is not one. */
function unescapeAt(s: string, i: number): {value: string; length: number} | null {
	const c = s[i];
	if (c === undefined) return null;
	const simple = SIMPLE_ESCAPES[c];
	if (simple !== undefined) return {value: simple, length: 1};
	const hex = (n: number) => {
		const digits = s.slice(i + 1, i + 1 + n);
		return digits.length === n && /^[0-9a-fA-F]+$/.test(digits) ? {value: String.fromCodePoint(parseInt(digits, 16)), length: n + 1} : null;
	};
	if (c === 'x') return hex(2);
	if (c === 'u') return hex(4);
	if (c === 'U') return hex(8);
	const octal = s.slice(i, i + 3);
	if (/^[0-7]{3}$/.test(octal)) return {value: String.fromCharCode(parseInt(octal, 8)), length: 3};
	return null;
}

/**
 * The words of an `Environment=` value as systemd splits them (extract_first_word with unquoting and
 * C unescaping). At a syntax error systemd keeps the words before it and ignores the rest of the line.
 */
export function environmentWords(value: string): {words: string[]; invalid: boolean} {
	const words: string[] = [];
	let i = 0;
	for (;;) {
		while (i < value.length && /[ \t\n\r]/.test(value[i] ?? '')) i++;
		if (i >= value.length) return {words, invalid: false};
		let word = '';
		let quote: string | null = null;
		for (;;) {
			const c = value[i];
			if (c === undefined) {
				if (quote) return {words, invalid: true};
				break;
			}
			if (c === '\\') {
				const e = unescapeAt(value, i + 1);
				if (!e) return {words, invalid: true};
				word += e.value;
				i += 1 + e.length;
				continue;
			}
			if (quote) {
				if (c === quote) quote = null;
				else word += c;
			} else if (c === '"' || c === "'") quote = c;
			else if (/[ \t\n\r]/.test(c)) break;
			else word += c;
			i++;
		}
		words.push(word);
	}
}

/** The value of OLLAMA_HOST in one assignment word (`%%` is systemd's literal %), or null when the word sets another variable. */
function hostOf(word: string): string | null {
	if (!word.startsWith('OLLAMA_HOST=')) return null;
	return word.slice('OLLAMA_HOST='.length).replace(/%%/g, '%');
}

/** A refusal naming the line of the drop-in that cannot be read as systemd does. */
export class DropInError extends Error {
	constructor(
		readonly line: number,
		readonly problem: string,
		readonly file = '/etc/systemd/system/ollama.service.d/override.conf',
	) {
		super(`Line ${line} of ${file} ${problem}. Fix or remove that line, then run the wizard again.`);
		this.name = 'DropInError';
	}
}

function parsed(text: string): Extract<DropInRead, {ok: true}> {
	const r = readDropIn(text);
	if (!r.ok) throw new DropInError(r.line, r.problem);
	return r;
}

/**
 * The OLLAMA_HOST value a drop-in sets, or null: the last assignment in a `[Service]` section wins, and
 * an empty `Environment=` clears what came before it (systemd.exec(5)). Throws DropInError when the
 * file cannot be read as systemd does.
 */
export function dropInBind(text: string): string | null {
	let value: string | null = null;
	for (const e of parsed(text).entries) {
		if (e.kind !== 'assignment' || e.section !== 'Service' || e.key !== 'Environment') continue;
		if (e.value === '') {
			value = null;
			continue;
		}
		for (const word of environmentWords(e.value ?? '').words) {
			const host = hostOf(word);
			if (host !== null) value = host;
		}
	}
	return value;
}

/** A one-line entry that only sets OLLAMA_HOST (the wizard's own line, or an older one it replaces). */
function onlySetsHost(e: DropInEntry): boolean {
	if (e.start !== e.end || e.unterminated) return false;
	const where = e.kind === 'assignment' ? e.section === 'Service' && e.key === 'Environment' : e.kind === 'ignored' && e.section === null;
	if (!where) return false;
	const l = strip(e.text);
	const eq = l.indexOf('=');
	if (eq < 0 || strip(l.slice(0, eq)) !== 'Environment') return false;
	const {words, invalid} = environmentWords(strip(l.slice(eq + 1)));
	return !invalid && words.length > 0 && words.every((w) => hostOf(w) !== null);
}

/**
 * The drop-in text: keeps every line of an existing override.conf byte for byte (other sections, other
 * variables, comments, continuation lines, line endings), drops one-line assignments that only set
 * OLLAMA_HOST, and puts `Environment="OLLAMA_HOST=<bind>"` at the end of the last `[Service]` section
 * (adding the header when there is none), never inside a continued line. Throws DropInError when the
 * existing file cannot be read as systemd does.
 */
export function buildDropIn(existing: string | null, bind: string): string {
	const line = `Environment="OLLAMA_HOST=${bind}"`;
	if (existing === null || strip(existing) === '') return `[Service]\n${line}\n`;
	const {lines, entries} = parsed(existing);
	const nl = lines.find((l) => l.eol !== '')?.eol ?? '\n';
	const drop = new Set(entries.filter(onlySetsHost).map((e) => e.start));
	const kept = entries.filter((e) => !drop.has(e.start));
	const out: PhysicalLine[] = lines.filter((_, i) => !drop.has(i));
	const index = (physical: number) => physical - [...drop].filter((d) => d < physical).length;
	if (kept.every((e) => e.kind === 'blank')) return `[Service]${nl}${line}${nl}`;
	// The last line of the file gets its line break, so nothing is appended to it.
	const last = out[out.length - 1];
	if (last && last.eol === '') last.eol = nl;

	const header = kept.findLast((e) => e.kind === 'header' && e.section === 'Service');
	if (!header) {
		// An empty line ends any continuation; then a real section (assignments before it are ignored by systemd).
		return `${out.map((l) => l.text + l.eol).join('')}${nl}[Service]${nl}${line}${nl}`;
	}
	const nextHeader = kept.find((e) => e.kind === 'header' && e.start > header.start);
	const inSection = kept.filter((e) => e.start > header.end && (!nextHeader || e.start < nextHeader.start));
	// After the section's last line that is not a plain empty line (an empty line that ends a continuation belongs to it).
	const anchor = inSection.findLast((e) => !(e.kind === 'blank' && e.start === e.end)) ?? header;
	const insert: PhysicalLine[] = [];
	if (anchor.unterminated) insert.push({text: '', eol: nl});
	insert.push({text: line, eol: nl});
	out.splice(index(anchor.end) + 1, 0, ...insert);
	const text = out.map((l) => l.text + l.eol).join('');
	if (dropInBind(text) !== bind) throw new Error(`the rewritten drop-in does not set OLLAMA_HOST=${bind}`);
	return text;
}
