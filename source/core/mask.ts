/**
 * Secret values are masked before text is shown, diffed, logged or put into NDJSON: whoever put a
 * key into a file (the wizard, the user, AIlice), its value never reaches a screen or a log.
 *
 * A name looks secret when it is `apikey`, `api_key`, `token`, `password`, `private_key`, ends in
 * `_KEY` / `_TOKEN` (or `-key`, `apiKey`, `accessToken`), or contains `SECRET` or `PASSWORD`, in any
 * case. A `TWINGATE_*` variable is also masked when its value looks like key content (JSON, a PEM
 * block, a long opaque token), whatever its name. PEM private key blocks are masked anywhere.
 *
 * The masking is textual and keeps every other byte, so a diff of two masked texts lines up with
 * the real files; only the values are replaced by {@link MASK}.
 */
import {createHash} from 'node:crypto';
import type {PlannedAction} from './types.js';

export const MASK = '••••';

const EXACT = new Set(['apikey', 'api_key', 'api-key', 'token', 'password', 'passwd', 'private_key', 'privatekey', 'private-key', 'secret', 'authorization']);

/** True when a key or variable name says its value is secret. */
export function isSecretName(name: string): boolean {
	const n = name.toLowerCase();
	if (EXACT.has(n)) return true;
	if (/[_-](key|token)$/.test(n)) return true;
	if (n.includes('secret') || n.includes('password')) return true;
	// camelCase: apiKey, accessToken, privateKey (not "monkey": the K must be a capital after a lower-case letter or digit).
	return /[a-z0-9](Key|Token)$/.test(name);
}

/** A value that is key material rather than a name, path or address. */
export function looksLikeKeyContent(value: string): boolean {
	const v = value.trim().replace(/^(["'`])([\s\S]*)\1$/, '$2');
	if (v === '') return false;
	if (/private_key|-----BEGIN /i.test(v)) return true;
	if (/^[{[]/.test(v)) return true;
	// A long opaque token (JWT, base64): mixed case and digits, no spaces, not a path or a file name.
	return v.length >= 24 && /^[A-Za-z0-9+/=_~.-]+$/.test(v) && /[a-z]/.test(v) && /[A-Z]/.test(v) && /\d/.test(v) && !/^[./~]/.test(v) && !/\.[a-z]{2,5}$/i.test(v);
}

/** Whether a variable's value is masked: a secret-looking name, or a TWINGATE_* variable holding key content. */
export function isSecretVariable(name: string, value: string): boolean {
	if (isSecretName(name)) return true;
	return /^twingate_/i.test(name) && looksLikeKeyContent(value);
}

// NAME=value at the start of a line (optionally `export NAME=`), as in a .env file.
const ENV_LINE = /^(\s*(?:export\s+)?)([A-Za-z_][\w.-]*)(\s*=\s*)(.*)$/;

/** Masks .env-style lines, including quoted values that continue over several lines. */
function maskEnvLines(text: string): string {
	const lines = text.split('\n');
	const out: string[] = [];
	for (let i = 0; i < lines.length; i++) {
		const line = lines[i] ?? '';
		const m = ENV_LINE.exec(line);
		if (!m) {
			out.push(line);
			continue;
		}
		const [, lead = '', name = '', eq = '', rest = ''] = m;
		let last = i;
		const quote = rest[0];
		if (quote === '"' || quote === "'" || quote === '`') {
			const closes = (s: string) => new RegExp(`(^|[^\\\\])\\${quote}`).test(s);
			if (!closes(rest.slice(1))) {
				let j = i + 1;
				while (j < lines.length && !closes(lines[j] ?? '')) j++;
				if (j < lines.length) last = j;
			}
		}
		const value = [rest, ...lines.slice(i + 1, last + 1)].join('\n');
		const cr = (lines[last] ?? '').endsWith('\r') ? '\r' : '';
		const bare = value.replace(/\r$/, '');
		if (bare.trim() === '' || !isSecretVariable(name, bare)) {
			out.push(...lines.slice(i, last + 1));
		} else {
			// Keep the quoting and a trailing comment-free shape: NAME=••••, or NAME="••••".
			const q = quote === '"' || quote === "'" || quote === '`' ? quote : '';
			out.push(`${lead}${name}${eq}${q}${MASK}${q}${cr}`);
			// A multi-line value keeps its line count, so the lines around it keep their numbers in a diff.
			for (let k = i + 1; k <= last; k++) out.push(MASK);
		}
		i = last;
	}
	return out.join('\n');
}

// "name": "value" (or a number / boolean) in JSON text.
const JSON_PAIR = /("((?:[^"\\\n]|\\.)*)"\s*:\s*)("(?:[^"\\\n]|\\.)*"|-?\d[\d.eE+-]*|true|false)/g;
// The same pair inside a JSON string (a config embedded in a log line or in a .env value): \"name\": \"value\".
const ESCAPED_JSON_PAIR = /(\\"([A-Za-z_][\w.-]*)\\"\s*:\s*)\\"((?:[^\\"]|\\[^"])*)\\"/g;
// NAME=value inside a line: a systemd Environment= entry, a compose list item, a URL query.
const INLINE_ASSIGNMENT = /(^|[\s"'`?&;(-])([A-Za-z_][\w.-]*)=("(?:[^"\\\n]|\\.)*"|'[^'\n]*'|`[^`\n]*`|[^\s"'`&;)]*)/gm;
// A PEM private key block, anywhere.
const PEM = /-----BEGIN ([A-Z ]*PRIVATE KEY)-----[\s\S]*?(?:-----END \1-----|$)/g;

function jsonKeyName(quoted: string): string {
	try {
		return JSON.parse(`"${quoted}"`) as string;
	} catch {
		return quoted;
	}
}

function maskInlineAssignments(text: string): string {
	return text.replace(INLINE_ASSIGNMENT, (whole, lead: string, name: string, value: string) => {
		const inner = value.replace(/^(["'`])([\s\S]*)\1$/, '$2');
		if (inner === '' || inner === MASK) return whole;
		const q = /^["'`]/.test(value) ? (value[0] ?? '') : '';
		if (isSecretVariable(name, value)) return `${lead}${name}=${q}${MASK}${q}`;
		// Environment=NAME=value, or a quoted "NAME=value": look inside the value too.
		return inner.includes('=') ? `${lead}${name}=${q}${maskInlineAssignments(inner)}${q}` : whole;
	});
}

/**
 * The text with every secret value replaced by {@link MASK}. Works on JSON, .env, systemd units,
 * compose files, shell lines and log lines alike; everything that is not a secret value stays.
 */
export function maskSecrets(text: string): string {
	let out = maskEnvLines(text);
	out = out.replace(JSON_PAIR, (whole, head: string, key: string, value: string) => {
		if (!isSecretName(jsonKeyName(key))) return whole;
		if (value === '""') return whole; // an empty value holds no secret, and saying it is empty helps
		return `${head}"${MASK}"`;
	});
	out = out.replace(ESCAPED_JSON_PAIR, (whole, head: string, key: string, value: string) => (isSecretName(key) && value !== '' ? `${head}\\"${MASK}\\"` : whole));
	out = maskInlineAssignments(out);
	out = out.replace(PEM, (_whole, label: string) => `-----BEGIN ${label}-----${MASK}-----END ${label}-----`);
	return out;
}

/** `http://user:***@host` for a URL (or any text holding URLs) with credentials. */
export function maskUrlCredentials(text: string): string {
	return text.replace(/\b([a-z][a-z0-9+.-]*:\/\/)([^\s/?#@"'`]*)@/gi, (_whole, scheme: string, userinfo: string) => {
		const colon = userinfo.indexOf(':');
		return colon === -1 ? `${scheme}***@` : `${scheme}${userinfo.slice(0, colon)}:***@`;
	});
}

// --- The file action summary: what a log may say about a file change. ---

export interface ContentFacts {
	bytes: number;
	sha256: string;
}

export interface FileActionSummary {
	kind: 'file';
	path: string;
	why: string;
	create: boolean;
	mode: number | null;
	secret: boolean;
	before: ContentFacts | null;
	after: ContentFacts;
	/** How the changed names were found. */
	format: 'json' | 'env' | 'text';
	/** JSON: the dotted key paths whose values differ; .env: the variable names; text: null. */
	changed: string[] | null;
	/** How many changed names were left off the list. */
	moreChanged: number;
}

export const MAX_CHANGED_LISTED = 100;

export function contentFacts(text: string): ContentFacts {
	return {bytes: Buffer.byteLength(text, 'utf8'), sha256: createHash('sha256').update(text, 'utf8').digest('hex')};
}

type FileAction = Extract<PlannedAction, {kind: 'file'}>;
/** The facts of each planned file action's texts, worked out once (the log and the journal both need them). */
const FACTS = new WeakMap<FileAction, {before?: ContentFacts | null; after?: ContentFacts}>();

/** Sizes and sha256 of a planned file action's `before` (null: created) or `after`, computed once per action. */
export function actionFacts(action: FileAction, which: 'before'): ContentFacts | null;
export function actionFacts(action: FileAction, which: 'after'): ContentFacts;
export function actionFacts(action: FileAction, which: 'before' | 'after'): ContentFacts | null {
	let known = FACTS.get(action);
	if (!known) {
		known = {};
		FACTS.set(action, known);
	}
	if (which === 'before') {
		if (known.before === undefined) known.before = action.before === null ? null : contentFacts(action.before);
		return known.before;
	}
	known.after ??= contentFacts(action.after);
	return known.after;
}

function segment(key: string): string {
	return /^[A-Za-z_$][\w$-]*$/.test(key) ? key : `[${JSON.stringify(key)}]`;
}

function join(prefix: string, key: string): string {
	const s = segment(key);
	if (prefix === '') return s;
	return s.startsWith('[') ? `${prefix}${s}` : `${prefix}.${s}`;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function sameValue(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
	if (Array.isArray(a) !== Array.isArray(b)) return false;
	if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => sameValue(x, b[i]));
	const ka = Object.keys(a);
	const kb = Object.keys(b);
	return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

type NameChain = {up: NameChain; key: string} | null;

function dotted(at: NameChain): string {
	const keys: string[] = [];
	for (let c = at; c; c = c.up) keys.push(c.key);
	return keyPathName(keys.reverse());
}

/** A key path as the log writes it: `models.ollama`, `m["llama3.2:latest"]`; the root is `(whole document)`. */
export function keyPathName(keys: readonly string[]): string {
	let out = '';
	for (const k of keys) out = join(out, k);
	return out === '' ? '(whole document)' : out;
}

/** The dotted key paths whose values differ between two JSON values (objects are walked, arrays compared whole). */
export function changedJsonPaths(before: unknown, after: unknown, prefix = '', out: string[] = []): string[] {
	// The prefix is kept as one key (already dotted), the path below it as a chain made into text only when recorded.
	const name = (at: NameChain) => {
		const below = at === null ? '' : dotted(at);
		if (prefix === '') return below;
		if (below === '') return prefix;
		return below.startsWith('[') ? `${prefix}${below}` : `${prefix}.${below}`;
	};
	const walk = (b: unknown, a: unknown, at: NameChain): void => {
		if (isPlainObject(b) && isPlainObject(a)) {
			for (const k of Object.keys(b)) {
				if (Object.hasOwn(a, k)) walk(b[k], a[k], {up: at, key: k});
				else out.push(name({up: at, key: k}));
			}
			for (const k of Object.keys(a)) if (!Object.hasOwn(b, k)) out.push(name({up: at, key: k}));
			return;
		}
		if (!sameValue(b, a)) out.push(at === null && prefix === '' ? '(whole document)' : name(at));
	};
	walk(before, after, null);
	return out;
}

/** The variables of a .env text, as name → raw value text (enough to tell whether it changed). */
export function envVariables(text: string): Map<string, string> {
	const vars = new Map<string, string>();
	const lines = text.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const m = ENV_LINE.exec(lines[i] ?? '');
		if (!m) continue;
		const name = m[2] ?? '';
		const rest = m[4] ?? '';
		let last = i;
		const quote = rest[0];
		if (quote === '"' || quote === "'" || quote === '`') {
			const closes = (s: string) => new RegExp(`(^|[^\\\\])\\${quote}`).test(s);
			if (!closes(rest.slice(1))) {
				let j = i + 1;
				while (j < lines.length && !closes(lines[j] ?? '')) j++;
				if (j < lines.length) last = j;
			}
		}
		vars.set(name, [rest, ...lines.slice(i + 1, last + 1)].join('\n'));
		i = last;
	}
	return vars;
}

function isEnvPath(p: string): boolean {
	const base = p.split(/[\\/]/).pop() ?? '';
	return base === '.env' || base.startsWith('.env.') || base.endsWith('.env');
}

function parseJson(text: string | null): {ok: true; value: unknown} | {ok: false} {
	if (text === null) return {ok: true, value: {}};
	try {
		return {ok: true, value: JSON.parse(text) as unknown};
	} catch {
		return {ok: false};
	}
}

/** The changed key paths of two JSON texts (`before` null: created), or null when either is not JSON. */
export function parsedJsonNames(before: string | null, after: string): string[] | null {
	const b = parseJson(before);
	const a = parseJson(after);
	return b.ok && a.ok ? changedJsonPaths(b.value, a.value) : null;
}

/**
 * What a log says about a file action: its path, sizes, sha256 hashes and the names that change —
 * never the content. Secret actions list no names either.
 */
export function summarizeFileAction(action: Extract<PlannedAction, {kind: 'file'}>, jsonNames: (before: string | null, after: string) => string[] | null = parsedJsonNames): FileActionSummary {
	let format: FileActionSummary['format'] = 'text';
	let changed: string[] | null = null;
	if (!action.secret) {
		if (isEnvPath(action.path)) {
			format = 'env';
			const b = envVariables(action.before ?? '');
			const a = envVariables(action.after);
			changed = [...new Set([...b.keys(), ...a.keys()])].filter((k) => b.get(k) !== a.get(k));
		} else if (/\.json$/i.test(action.path) || /^\s*[{[]/.test(action.after)) {
			const names = jsonNames(action.before, action.after);
			if (names) {
				format = 'json';
				changed = names;
			}
		}
	}
	const listed = changed ? changed.slice(0, MAX_CHANGED_LISTED) : null;
	return {
		kind: 'file',
		path: action.path,
		why: action.why,
		create: action.before === null,
		mode: action.mode ?? null,
		secret: Boolean(action.secret),
		before: actionFacts(action, 'before'),
		after: actionFacts(action, 'after'),
		format,
		changed: listed,
		moreChanged: changed ? changed.length - (listed?.length ?? 0) : 0,
	};
}
