/**
 * A line-preserving .env merge: the variables the wizard owns are set (or removed) in place, every
 * other line, comment and blank line stays exactly as it was, and new variables are appended.
 * Values are read with the `dotenv` package so "already set to this" is judged as dotenv reads it.
 *
 * AIlice itself reads no .env and no OLLAMA_* variable (its settings live in
 * config.json, https://github.com/myshell-ai/AIlice): these variables are for the container
 * entrypoint of step 5 (`docker run --env-file`, which takes values verbatim, so the wizard writes
 * unquoted values whenever it can).
 */
import {parse as parseDotenv} from 'dotenv';

const ENTRY = /^(\s*)(export\s+)?([A-Za-z_][\w.-]*)\s*=\s*(.*)$/;
export const ENV_HEADER = '# Added by ollama-tunnel-wizard. AIlice itself reads no .env; these are for the step-5 container entrypoint.';
/**
 * The wizard's header line in any wording it ever had: the same start and end, whatever earlier
 * versions put between them (so a file written by one gets no second header, and undo removes it).
 */
const ENV_HEADER_ANY = /^# Added by ollama-tunnel-wizard\. AIlice itself reads no \.env\b[^;\n]*; these are for the step-5 container entrypoint\.$/;

/** Whether a line is the wizard's header comment, in its current or an older wording. */
export function isEnvHeader(line: string): boolean {
	return ENV_HEADER_ANY.test(line);
}

/** Whether a text holds the wizard's header, in any wording. */
export function hasEnvHeader(text: string): boolean {
	return envHeaderIndex(text.split(/\r?\n/)) >= 0;
}

/** The index of the wizard's header line among `lines`, or -1. */
export function envHeaderIndex(lines: readonly string[]): number {
	return lines.findIndex(isEnvHeader);
}

export interface EnvEntry {
	key: string;
	value: string;
	/** Index of the first and last line of the entry (a quoted value may span lines). */
	first: number;
	last: number;
}

function splitLines(text: string): {lines: string[]; eol: string; finalNewline: boolean} {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	const finalNewline = text.endsWith('\n');
	const body = finalNewline ? text.slice(0, text.endsWith('\r\n') ? -2 : -1) : text;
	return {lines: body === '' && !finalNewline ? [] : body.split(/\r?\n/), eol, finalNewline};
}

/** The entries of a .env text, each with its line span and its value as dotenv reads it. */
export function envEntries(text: string): EnvEntry[] {
	const {lines} = splitLines(text);
	const out: EnvEntry[] = [];
	for (let i = 0; i < lines.length; i++) {
		const m = ENTRY.exec(lines[i] ?? '');
		if (!m) continue;
		const key = m[3] ?? '';
		const rest = m[4] ?? '';
		let last = i;
		const quote = rest[0];
		if (quote === '"' || quote === "'" || quote === '`') {
			// A quoted value that does not close on this line continues on the next ones (dotenv multiline).
			const closes = (s: string) => new RegExp(`(^|[^\\\\])${quote === '`' ? '`' : quote}`).test(s);
			if (!closes(rest.slice(1))) {
				let j = i + 1;
				while (j < lines.length && !closes(lines[j] ?? '')) j++;
				if (j < lines.length) last = j;
			}
		}
		const chunk = lines.slice(i, last + 1).join('\n');
		const value = parseDotenv(chunk)[key] ?? '';
		out.push({key, value, first: i, last});
		i = last;
	}
	return out;
}

/** How a value is written: bare when dotenv and `docker run --env-file` read it the same. */
export function formatEnvValue(key: string, value: string): string {
	if (/[\r\n]/.test(value)) throw new Error(`${key}: a value with a line break cannot be written to a .env the container can read`);
	const bare = value !== '' && !/[#\s'"`\\]/.test(value[0] ?? '') && !value.includes('#') && value.trim() === value;
	if (bare && parseDotenv(`${key}=${value}`)[key] === value) return value;
	for (const q of ["'", '`']) {
		if (!value.includes(q) && parseDotenv(`${key}=${q}${value}${q}`)[key] === value) return `${q}${value}${q}`;
	}
	throw new Error(`${key}: the value cannot be written to a .env so that it reads back unchanged`);
}

export interface EnvMerge {
	text: string;
	/** Keys set or removed. */
	changed: string[];
}

/**
 * Sets each key to its value (null removes it). Existing entries are replaced in place (all of them,
 * when a key appears twice); new keys are appended after a one-line comment.
 */
export function mergeDotenv(before: string | null, set: Record<string, string | null>): EnvMerge {
	const text = before ?? '';
	const {lines, eol, finalNewline} = splitLines(text);
	const entries = envEntries(text);
	const changed = new Set<string>();
	const replace = new Map<number, {last: number; line: string | null}>();
	const present = new Set<string>();
	for (const e of entries) {
		if (!Object.hasOwn(set, e.key)) continue;
		present.add(e.key);
		const want = set[e.key];
		if (want === null || want === undefined) {
			replace.set(e.first, {last: e.last, line: null});
			changed.add(e.key);
			continue;
		}
		if (e.value === want && e.first === e.last) continue;
		const m = ENTRY.exec(lines[e.first] ?? '');
		replace.set(e.first, {last: e.last, line: `${m?.[1] ?? ''}${m?.[2] ?? ''}${e.key}=${formatEnvValue(e.key, want)}`});
		changed.add(e.key);
	}
	const out: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		const r = replace.get(i);
		if (!r) {
			out.push(lines[i] ?? '');
			continue;
		}
		if (r.line !== null) out.push(r.line);
		i = r.last;
	}
	const added = Object.entries(set).filter(([k, v]) => v !== null && v !== undefined && !present.has(k)) as [string, string][];
	if (added.length) {
		if (envHeaderIndex(out) < 0) {
			if (out.length && out[out.length - 1]?.trim() !== '') out.push('');
			out.push(ENV_HEADER);
		}
		for (const [k, v] of added) {
			out.push(`${k}=${formatEnvValue(k, v)}`);
			changed.add(k);
		}
	}
	if (changed.size === 0) return {text, changed: []};
	const body = out.join(eol);
	return {text: body === '' ? '' : `${body}${finalNewline || before === null || added.length ? eol : ''}`, changed: [...changed]};
}

/** The value of a key as dotenv reads the file, or undefined. */
export function envValue(text: string | null, key: string): string | undefined {
	if (text === null) return undefined;
	return parseDotenv(text)[key];
}
