/**
 * Strict JSON as AIlice reads it (Python `json.load`: no comments, no trailing commas), with the line
 * and column of the first error, and text-preserving edits: only the values the wizard sets change,
 * every other byte of the file stays as it was.
 *
 * Two things JSON.parse accepts are refused too: a key that appears twice in one object (Python's
 * json.load keeps the last one, while a text edit would change the first, so the wizard's change
 * would silently not count), and nesting deeper than MAX_DEPTH (a damaged file; recursive code
 * would overflow the stack on it).
 */
import {applyEdits, format, modify, parse as parseJsonc, printParseErrorCode, type FormattingOptions, type ParseError} from 'jsonc-parser';

export type JsonObject = Record<string, unknown>;

export type StrictParse =
	| {ok: true; value: unknown}
	| {ok: false; kind: 'syntax' | 'duplicate' | 'depth'; line: number; column: number; message: string};

/** Deeper nesting is refused before anything recursive looks at the text. */
export const MAX_DEPTH = 512;

/** `obj[key]` only when it is the object's own property: never Object.prototype's `constructor`, `__proto__`, … */
export function own(obj: unknown, key: string): unknown {
	return typeof obj === 'object' && obj !== null && Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined;
}

/** Sets an own data property, also for names such as `__proto__` (plain assignment would change the prototype). */
export function setOwn(obj: Record<string, unknown>, key: string, value: unknown): void {
	Object.defineProperty(obj, key, {value, writable: true, enumerable: true, configurable: true});
}

const WHAT: Record<string, string> = {
	InvalidSymbol: 'an invalid symbol (a comment, NaN, or a word that is not JSON)',
	InvalidNumberFormat: 'an invalid number',
	PropertyNameExpected: 'a property name in double quotes was expected (a trailing comma?)',
	ValueExpected: 'a value was expected (a trailing comma, or the file is empty?)',
	ColonExpected: 'a colon was expected',
	CommaExpected: 'a comma was expected',
	CloseBraceExpected: 'a closing } was expected',
	CloseBracketExpected: 'a closing ] was expected',
	EndOfFileExpected: 'the end of the file was expected (text after the top-level value)',
	InvalidCommentToken: 'a comment (JSON allows none)',
	UnexpectedEndOfComment: 'an unterminated comment (JSON allows none)',
	UnexpectedEndOfString: 'an unterminated string',
	UnexpectedEndOfNumber: 'an unterminated number',
	InvalidUnicode: 'an invalid \\u escape',
	InvalidEscapeCharacter: 'an invalid escape character',
	InvalidCharacter: 'a control character inside a string',
};

/** 1-based line and column of a character offset (UTF-16 code units, counting \r\n as one break). */
export function lineColumn(text: string, offset: number): {line: number; column: number} {
	let line = 1;
	let lineStart = 0;
	const end = Math.min(Math.max(0, offset), text.length);
	for (let i = 0; i < end; i++) {
		if (text[i] === '\n') {
			line++;
			lineStart = i + 1;
		}
	}
	return {line, column: end - lineStart + 1};
}

export interface Structure {
	/** Offset of the first `{` or `[` deeper than MAX_DEPTH, or -1. */
	tooDeepAt: number;
	/** The first key that repeats within one object: the key, where it is, and where it first was (null when not looked for). */
	duplicate: {key: string; offset: number; firstOffset: number} | null;
	/** How many keys the text writes, over all objects. */
	keys: number;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * One iterative pass over the text (no recursion, so any depth is safe): the nesting depth, the
 * number of keys and, with `findDuplicates`, the first duplicate key. Keys are compared as Python
 * compares them, after decoding escapes (`"a"` and `"\u0061"` are the same key). Meaningful for
 * valid JSON; harmless on anything else.
 */
export function scanStructure(text: string, findDuplicates = true): Structure {
	// One frame per open object or array: the keys seen so far (null for an array) and whether the
	// next string in an object is a key.
	const frames: {keys: Map<string, number> | null; expectKey: boolean}[] = [];
	let duplicate: Structure['duplicate'] = null;
	let keys = 0;
	// Jump from one structural character to the next (whitespace, numbers and words are skipped by
	// the regular expression engine, not character by character here).
	const next = /["{}[\],]/g;
	for (let m = next.exec(text); m; m = next.exec(text)) {
		const i = m.index;
		const c = text.charCodeAt(i);
		if (c === QUOTE) {
			// The closing quote: the next one not preceded by an odd number of backslashes.
			let j = text.indexOf('"', i + 1);
			while (j > 0 && text.charCodeAt(j - 1) === BACKSLASH) {
				let k = j - 1;
				while (k > i && text.charCodeAt(k) === BACKSLASH) k--;
				if ((j - 1 - k) % 2 === 0) break;
				j = text.indexOf('"', j + 1);
			}
			if (j < 0) j = text.length;
			const top = frames[frames.length - 1];
			if (top?.keys && top.expectKey) {
				top.expectKey = false;
				keys++;
				if (findDuplicates && !duplicate) {
					let key = text.slice(i + 1, j);
					if (key.includes('\\')) {
						try {
							key = JSON.parse(text.slice(i, j + 1)) as string;
						} catch {
							// not valid JSON: JSON.parse reports it
						}
					}
					const first = top.keys.get(key);
					if (first !== undefined) duplicate = {key, offset: i, firstOffset: first};
					else top.keys.set(key, i);
				}
			}
			next.lastIndex = j + 1;
		} else if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
			if (frames.length >= MAX_DEPTH) return {tooDeepAt: i, duplicate, keys};
			frames.push({keys: c !== 0x7b ? null : findDuplicates ? new Map() : NO_KEYS, expectKey: true});
		} else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
			frames.pop();
		} else {
			const top = frames[frames.length - 1];
			if (top?.keys) top.expectKey = true;
		}
	}
	return {tooDeepAt: -1, duplicate, keys};
}

/** Marks an object frame when keys are only counted. */
const NO_KEYS = new Map<string, number>();

/** How many keys the parsed value holds, over all objects (no recursion). */
function countKeys(value: unknown): number {
	let n = 0;
	const stack: unknown[] = [value];
	while (stack.length) {
		const v = stack.pop();
		if (typeof v !== 'object' || v === null) continue;
		if (Array.isArray(v)) {
			for (const x of v) if (typeof x === 'object' && x !== null) stack.push(x);
			continue;
		}
		for (const k in v) {
			n++;
			const x = (v as Record<string, unknown>)[k];
			if (typeof x === 'object' && x !== null) stack.push(x);
		}
	}
	return n;
}

function shortKey(key: string): string {
	const s = JSON.stringify(key);
	return s.length > 60 ? `${s.slice(0, 57)}…"` : s;
}

export function parseStrictJson(text: string): StrictParse {
	// First only depth and the number of keys (cheap); a key repeated in one object makes the parsed
	// value hold fewer keys than the text writes, and only then is the duplicate looked for.
	const structure = scanStructure(text, false);
	if (structure.tooDeepAt >= 0) {
		const where = lineColumn(text, structure.tooDeepAt);
		return {ok: false, kind: 'depth', ...where, message: `objects and lists are nested more than ${MAX_DEPTH} levels deep here; no AIlice setting is nested like that, so the file is damaged or is not AIlice's config`};
	}
	let value: unknown;
	try {
		value = JSON.parse(text);
	} catch (error) {
		if (text.charCodeAt(0) === 0xfeff) return {ok: false, kind: 'syntax', line: 1, column: 1, message: 'the file starts with a byte-order mark (BOM), which Python’s json.load rejects'};
		if (text.trim() === '') return {ok: false, kind: 'syntax', line: 1, column: 1, message: 'the file is empty'};
		const errors: ParseError[] = [];
		parseJsonc(text, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false});
		const first = errors[0];
		if (first) {
			const where = lineColumn(text, first.offset);
			return {ok: false, kind: 'syntax', ...where, message: WHAT[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)};
		}
		// jsonc-parser accepted what JSON.parse refused: take V8's position.
		const pos = /position (\d+)/.exec((error as Error).message)?.[1];
		const where = lineColumn(text, pos === undefined ? 0 : Number(pos));
		return {ok: false, kind: 'syntax', ...where, message: 'invalid JSON'};
	}
	const dup = countKeys(value) === structure.keys ? null : scanStructure(text, true).duplicate;
	if (dup) {
		const where = lineColumn(text, dup.offset);
		const first = lineColumn(text, dup.firstOffset);
		return {
			ok: false,
			kind: 'duplicate',
			...where,
			message: `the key ${shortKey(dup.key)} appears a second time in the same object (first at line ${first.line}, column ${first.column}); Python's json.load, which AIlice uses, keeps only the last one`,
		};
	}
	return {ok: true, value};
}

export function isPlainObject(v: unknown): v is JsonObject {
	return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Structural equality of JSON values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
	if (a === b) return true;
	if (Array.isArray(a) || Array.isArray(b)) {
		return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => jsonEqual(x, b[i]));
	}
	if (isPlainObject(a) && isPlainObject(b)) {
		const ka = Object.keys(a);
		const kb = Object.keys(b);
		return ka.length === kb.length && ka.every((k) => Object.hasOwn(b, k) && jsonEqual(a[k], b[k]));
	}
	return false;
}

/**
 * The indentation the file already uses (AIlice writes 2 spaces); null for a file on one line, whose
 * inserted values then stay compact too.
 */
export function detectFormatting(text: string): FormattingOptions | null {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	if (!/\n\s*\S/.test(text.trim())) return null;
	const indented = /\n([ \t]+)\S/.exec(text)?.[1];
	if (indented?.startsWith('\t')) return {insertSpaces: false, tabSize: 1, eol};
	const size = indented ? Math.min(8, indented.length) : 2;
	return {insertSpaces: true, tabSize: size, eol};
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);

function skipWs(text: string, i: number): number {
	while (i < text.length && WS.has(text.charCodeAt(i))) i++;
	return i;
}

/** `i` at an opening quote: the index after the closing one (not preceded by an odd run of backslashes). */
function stringEnd(text: string, i: number): number {
	let j = text.indexOf('"', i + 1);
	while (j > 0 && text.charCodeAt(j - 1) === BACKSLASH) {
		let k = j - 1;
		while (k > i && text.charCodeAt(k) === BACKSLASH) k--;
		if ((j - 1 - k) % 2 === 0) break;
		j = text.indexOf('"', j + 1);
	}
	return j < 0 ? text.length : j + 1;
}

/** `i` at the start of a value: the index after it (iterative, any depth). */
function valueEnd(text: string, i: number): number {
	const c = text.charCodeAt(i);
	if (c === QUOTE) return stringEnd(text, i);
	if (c === 0x7b || c === 0x5b) {
		let depth = 0;
		const next = /["{}[\]]/g;
		next.lastIndex = i;
		for (let m = next.exec(text); m; m = next.exec(text)) {
			const d = text.charCodeAt(m.index);
			if (d === QUOTE) next.lastIndex = stringEnd(text, m.index);
			else if (d === 0x7b || d === 0x5b) depth++;
			else {
				depth--;
				if (depth === 0) return m.index + 1;
			}
		}
		return text.length;
	}
	let j = i;
	while (j < text.length && !WS.has(text.charCodeAt(j)) && !',}]'.includes(text[j] ?? '')) j++;
	return j;
}

type PropertyLookup = {found: {offset: number}} | {found: null; count: number; lastEnd: number};

/** Looks `key` up among the properties of the object starting at `objStart` (its `{`). */
function findProperty(text: string, objStart: number, key: string): PropertyLookup {
	let i = objStart + 1;
	let count = 0;
	let lastEnd = -1;
	for (;;) {
		i = skipWs(text, i);
		if (i >= text.length || text.charCodeAt(i) !== QUOTE) return {found: null, count, lastEnd};
		const keyEnd = stringEnd(text, i);
		const raw = text.slice(i, keyEnd);
		const name = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
		i = skipWs(text, keyEnd);
		if (text.charCodeAt(i) !== 0x3a /* : */) throw new Error(`internal error: no colon after the key at offset ${keyEnd}`);
		const start = skipWs(text, i + 1);
		// Where the value ends is looked for only to go on to the next key (a large object that is the
		// key looked for is not scanned twice).
		if (name === key) return {found: {offset: start}};
		const end = valueEnd(text, start);
		count++;
		lastEnd = end;
		i = skipWs(text, end);
		if (text.charCodeAt(i) === 0x2c /* , */) i++;
	}
}

/**
 * The one text edit that sets `value` at `jsonPath`, the way jsonc-parser's `modify` makes it (the
 * existing value replaced; else the property appended to the deepest existing object, nested as
 * needed), found by scanning the text instead of building a tree of the whole document, so a
 * large file costs one pass and no extra memory. The text must be valid JSON with an object at
 * every existing step of the path.
 */
export function jsonEdit(text: string, jsonPath: string[], value: unknown): {offset: number; length: number; content: string} {
	let node = skipWs(text, 0);
	for (let k = 0; k < jsonPath.length; k++) {
		if (text.charCodeAt(node) !== 0x7b) throw new Error(`internal error: ${jsonPath.slice(0, k).join('.') || 'the top level'} is not an object`);
		const key = jsonPath[k] ?? '';
		const r = findProperty(text, node, key);
		if (r.found) {
			if (k === jsonPath.length - 1) return {offset: r.found.offset, length: valueEnd(text, r.found.offset) - r.found.offset, content: JSON.stringify(value)};
			node = r.found.offset;
			continue;
		}
		let nested = value;
		for (let m = jsonPath.length - 1; m > k; m--) {
			const o: JsonObject = {};
			setOwn(o, jsonPath[m] ?? '', nested);
			nested = o;
		}
		const property = `${JSON.stringify(key)}: ${JSON.stringify(nested)}`;
		return r.count > 0 ? {offset: r.lastEnd, length: 0, content: `,${property}`} : {offset: node + 1, length: 0, content: property};
	}
	const end = valueEnd(text, node);
	return {offset: node, length: end - node, content: JSON.stringify(value)};
}

function isEol(text: string, i: number): boolean {
	const c = text.charCodeAt(i);
	return c === 0x0a || c === 0x0d;
}

/**
 * Sets one value at a JSON path, changing only that value's text, then formats just the inserted
 * text in the file's own style (jsonc-parser `format`, given only the lines of the edit, so the
 * cost does not grow with the file).
 */
export function setJsonValue(text: string, jsonPath: (string | number)[], value: unknown, formatting: FormattingOptions | null): string {
	const keys = jsonPath.filter((k): k is string => typeof k === 'string');
	// Array indices (used by undo): jsonc-parser's own edit, which builds the tree.
	const edit = keys.length === jsonPath.length ? jsonEdit(text, keys, value) : (modify(text, jsonPath, value, {})[0] ?? {offset: 0, length: 0, content: ''});
	const plain = !formatting || edit.content.length === 0 || /^"(?:[^"\\]|\\.)*"$|^[-\w.]+$/.test(edit.content);
	if (plain) return text.slice(0, edit.offset) + edit.content + text.slice(edit.offset + edit.length);
	// The lines the edit touches, with the edit applied; formatted on their own.
	let lineStart = edit.offset;
	while (lineStart > 0 && !isEol(text, lineStart - 1)) lineStart--;
	let lineEnd = edit.offset + edit.length;
	while (lineEnd < text.length && !isEol(text, lineEnd)) lineEnd++;
	const local = text.slice(lineStart, edit.offset) + edit.content + text.slice(edit.offset + edit.length, lineEnd);
	const formatted = applyEdits(local, format(local, {offset: edit.offset - lineStart, length: edit.content.length}, formatting));
	return text.slice(0, lineStart) + formatted + text.slice(lineEnd);
}
