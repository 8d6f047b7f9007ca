/**
 * Strict JSON as AIlice reads it (Python `json.load`: no comments, no trailing commas; ailice.md §3,
 * seed-corrections #21), with the line and column of the first error, and text-preserving edits:
 * only the values the wizard sets change, every other byte of the file stays as it was.
 */
import {applyEdits, format, modify, parse as parseJsonc, printParseErrorCode, type FormattingOptions, type ParseError} from 'jsonc-parser';

export type JsonObject = Record<string, unknown>;

export type StrictParse = {ok: true; value: unknown} | {ok: false; line: number; column: number; message: string};

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

export function parseStrictJson(text: string): StrictParse {
	try {
		return {ok: true, value: JSON.parse(text)};
	} catch (error) {
		if (text.charCodeAt(0) === 0xfeff) return {ok: false, line: 1, column: 1, message: 'the file starts with a byte-order mark (BOM), which Python’s json.load rejects'};
		if (text.trim() === '') return {ok: false, line: 1, column: 1, message: 'the file is empty'};
		const errors: ParseError[] = [];
		parseJsonc(text, errors, {disallowComments: true, allowTrailingComma: false, allowEmptyContent: false});
		const first = errors[0];
		if (first) {
			const where = lineColumn(text, first.offset);
			return {ok: false, ...where, message: WHAT[printParseErrorCode(first.error)] ?? printParseErrorCode(first.error)};
		}
		// jsonc-parser accepted what JSON.parse refused: take V8's position.
		const pos = /position (\d+)/.exec((error as Error).message)?.[1];
		const where = lineColumn(text, pos === undefined ? 0 : Number(pos));
		return {ok: false, ...where, message: 'invalid JSON'};
	}
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
 * The indentation the file already uses (AIlice writes 2 spaces; ailice.md §3); null for a file on
 * one line, whose inserted values then stay compact too.
 */
export function detectFormatting(text: string): FormattingOptions | null {
	const eol = text.includes('\r\n') ? '\r\n' : '\n';
	if (!/\n\s*\S/.test(text.trim())) return null;
	const indented = /\n([ \t]+)\S/.exec(text)?.[1];
	if (indented?.startsWith('\t')) return {insertSpaces: false, tabSize: 1, eol};
	const size = indented ? Math.min(8, indented.length) : 2;
	return {insertSpaces: true, tabSize: size, eol};
}

/**
 * Sets one value at a JSON path, changing only that value's text (jsonc-parser `modify`), then
 * formats just the inserted text in the file's own style.
 */
export function setJsonValue(text: string, jsonPath: (string | number)[], value: unknown, formatting: FormattingOptions | null): string {
	const edits = modify(text, jsonPath, value, {});
	let out = text;
	// Apply from the end so offsets stay valid; each edit's inserted range is then formatted.
	for (const edit of [...edits].sort((a, b) => b.offset - a.offset)) {
		out = applyEdits(out, [edit]);
		const range = {offset: edit.offset, length: edit.content.length};
		if (formatting && range.length > 0 && !/^"(?:[^"\\]|\\.)*"$|^[-\w.]+$/.test(edit.content)) out = applyEdits(out, format(out, range, formatting));
	}
	return out;
}
