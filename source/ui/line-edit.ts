/**
 * The editing logic of a one-line text field, without React: terminal input (one read may hold many
 * keys) → keys → a new line state. The Ink field (LineEditor.tsx) only feeds it what stdin delivers
 * and draws the result, so every key is unit-testable.
 *
 * Rules a person can rely on:
 * - A value never holds a control character: terminal sequences are keys, anything else that is not
 *   printable (DEL, ESC, NUL, C1 controls, line separators) is dropped.
 * - Several keys in one read are applied in order ("abc", two Backspaces and Enter submit "a").
 * - Enter submits. Keys typed after it in the same read go to the next question (`keysToCarry`);
 *   the rest of a multi-line paste is dropped, so it never answers a later question. A paste that
 *   ends in a newline submits, as in a shell.
 * - A default is a placeholder: Enter on an empty field accepts it, typing replaces it, Tab or →
 *   on the empty field copies it in for editing.
 */

export interface LineState {
	/** The text, free of control characters. */
	readonly value: string;
	/** Cursor position in code points, 0…length. */
	readonly cursor: number;
}

/** The keys of a line editor, other than typed text. */
export type EditKind =
	| 'left'
	| 'right'
	| 'word-left'
	| 'word-right'
	| 'home'
	| 'end'
	| 'backspace'
	| 'delete'
	| 'kill-to-start'
	| 'kill-to-end'
	| 'kill-word'
	| 'kill-alnum-word'
	| 'enter'
	| 'tab'
	| 'escape'
	/** Keys a line has no use for (up/down, function keys, Ctrl-C, releases): the field ignores them. */
	| 'other';

export type LineKey = {readonly kind: 'text'; readonly text: string} | {readonly kind: EditKind};

export const EMPTY_LINE: LineState = {value: '', cursor: 0};

/** A line holding `value` (cleaned), the cursor at its end. */
export function lineOf(value: string): LineState {
	const clean = stripControls(value);
	return {value: clean, cursor: chars(clean).length};
}

function chars(s: string): string[] {
	return Array.from(s);
}

// C0 controls, DEL and C1 controls, plus the Unicode line and paragraph separators.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/gu;
// A complete escape sequence (CSI, SS3, or ESC + one character), removed whole so no "[31m" is left.
// eslint-disable-next-line no-control-regex -- matching escape sequences is the point here
const ESCAPE_SEQUENCE = /\u001B(?:\[[\u0030-\u003F]*[\u0020-\u002F]*[\u0040-\u007E]|O.|[^[O])?/gu;

/** `text` without escape sequences and control characters (a value never stores \x7f, \x1b, \x00…). */
export function stripControls(text: string): string {
	return text.replace(ESCAPE_SEQUENCE, '').replace(CONTROL, '');
}

const SINGLE: Record<string, EditKind> = {
	'\u0001': 'home', // Ctrl-A
	'\u0002': 'left', // Ctrl-B
	'\u0004': 'delete', // Ctrl-D
	'\u0005': 'end', // Ctrl-E
	'\u0006': 'right', // Ctrl-F
	'\u0008': 'backspace', // Ctrl-H, Backspace on some terminals
	'\u0009': 'tab',
	'\u000B': 'kill-to-end', // Ctrl-K
	'\u000D': 'enter',
	'\u000A': 'enter',
	'\u0015': 'kill-to-start', // Ctrl-U
	'\u0017': 'kill-word', // Ctrl-W
	'\u007F': 'backspace', // Backspace on most terminals (DEL)
};

// ESC [ <number> ~ forms.
const TILDE: Record<string, EditKind> = {'1': 'home', '7': 'home', '4': 'end', '8': 'end', '3': 'delete'};
// ESC [ <letter> and ESC O <letter> forms.
const LETTER: Record<string, EditKind> = {C: 'right', D: 'left', H: 'home', F: 'end'};

/** Kitty keyboard protocol: ESC [ codepoint ; modifiers : event u. */
function kittyKey(params: string): LineKey {
	const m = /^(\d+)(?::\d*)*(?:;(\d+)(?::(\d+))?)?(?:;[\d:]*)?$/u.exec(params);
	if (!m) return {kind: 'other'};
	const code = Number(m[1]);
	const modifiers = m[2] ? Number(m[2]) - 1 : 0;
	if (m[3] === '3') return {kind: 'other'}; // key release
	const ctrl = (modifiers & 4) !== 0;
	const alt = (modifiers & 2) !== 0;
	if (code === 13) return {kind: 'enter'};
	if (code === 9) return {kind: 'tab'};
	if (code === 27) return {kind: 'escape'};
	if (code === 127 || code === 8) return {kind: alt || ctrl ? 'kill-alnum-word' : 'backspace'};
	if (ctrl && code >= 97 && code <= 122) {
		const kind = SINGLE[String.fromCharCode(code - 96)];
		return {kind: kind ?? 'other'};
	}
	if (ctrl || alt || code < 32 || code > 0x10ffff || (code >= 57344 && code <= 63743)) return {kind: 'other'};
	return {kind: 'text', text: String.fromCodePoint(code)};
}

function csiKey(params: string, final: string, meta: boolean): LineKey {
	if (final === 'u') return kittyKey(params);
	const [first = '', modifier] = params.split(';');
	const mods = modifier ? Number(modifier) - 1 : 0;
	// Ctrl (4) or Alt (2) with an arrow moves by word, as in most shells.
	const byWord = meta || (mods & 6) !== 0;
	let kind: EditKind | undefined;
	if (final === '~') kind = TILDE[first];
	else if (params === '' || first === '1') kind = LETTER[final];
	if (kind === 'left' && byWord) kind = 'word-left';
	if (kind === 'right' && byWord) kind = 'word-right';
	return {kind: kind ?? 'other'};
}

/**
 * One read of terminal input split into keys, each as the text the terminal sent for it: an escape
 * sequence whole (an unfinished one too), a control character alone (CR LF together, one Enter), and
 * every printable character alone. Widgets that act on single keys (a choice, a yes/no) and the
 * carrying of keys from one question to the next work on these pieces; `parseKeys` names them.
 */
export function splitKeys(input: string): string[] {
	const pieces: string[] = [];
	const cps = chars(input);
	let i = 0;
	while (i < cps.length) {
		const from = i;
		const c = cps[i]!;
		if (c === '\u001B') {
			let j = i + 1;
			// ESC ESC [ … (Option/Alt with an arrow on some terminals).
			if (cps[j] === '\u001B' && (cps[j + 1] === '[' || cps[j + 1] === 'O')) j++;
			const next = cps[j];
			if (next === '[') {
				let k = j + 1;
				// Legacy ESC [ [ A function keys.
				if (cps[k] === '[') k++;
				while (k < cps.length && /[\u0030-\u003F\u0020-\u002F]/u.test(cps[k]!)) k++;
				const final = cps[k];
				// An unfinished or malformed sequence ends before the character that broke it.
				i = final === undefined || !/[\u0040-\u007E]/u.test(final) ? k : k + 1;
			} else if (next === 'O') i = Math.min(cps.length, j + 2);
			else i = next === undefined ? j : j + 1;
		} else i += c === '\r' && cps[i + 1] === '\n' ? 2 : 1;
		pieces.push(cps.slice(from, i).join(''));
	}
	return pieces;
}

/** The key one piece of `splitKeys` stands for; null for a bracketed-paste marker (no key at all). */
function keyOfPiece(piece: string): LineKey | null {
	const cps = chars(piece);
	const c = cps[0] ?? '';
	if (c === '\u001B') {
		let j = 1;
		let meta = false;
		if (cps[1] === '\u001B' && (cps[2] === '[' || cps[2] === 'O')) {
			meta = true;
			j = 2;
		}
		const next = cps[j];
		if (next === '[') {
			let k = j + 1;
			if (cps[k] === '[') k++;
			const body = cps.slice(k);
			const final = body.at(-1);
			if (final === undefined || !/[\u0040-\u007E]/u.test(final)) return {kind: 'other'};
			const params = body.slice(0, -1).join('');
			// Bracketed-paste markers carry no key: the pasted text between them is ordinary input.
			if (params === '200' || params === '201') return final === '~' ? null : {kind: 'other'};
			return csiKey(params, final, meta);
		}
		if (next === 'O') {
			const final = cps[j + 1];
			return {kind: (final ? LETTER[final] : undefined) ?? 'other'};
		}
		if (next === undefined) return {kind: 'escape'};
		// Alt/Meta + one key.
		if (next === '\u007F' || next === '\u0008') return {kind: 'kill-alnum-word'};
		if (next === 'b' || next === 'B') return {kind: 'word-left'};
		if (next === 'f' || next === 'F') return {kind: 'word-right'};
		if (next === '\u001B') return {kind: 'escape'};
		return {kind: 'other'};
	}
	const single = SINGLE[c];
	if (single) return {kind: single};
	// Any other control character (NUL, Ctrl-C, C1 …): not text.
	if (stripControls(c) === '') return {kind: 'other'};
	return {kind: 'text', text: piece};
}

/**
 * The keys in one read of terminal input, in order. Printable runs (typing, a paste) become one
 * `text` key each; a lone ESC is `escape`; unknown sequences are `other` and never text.
 */
export function parseKeys(input: string): LineKey[] {
	const keys: LineKey[] = [];
	let text = '';
	for (const piece of splitKeys(input)) {
		const key = keyOfPiece(piece);
		if (!key) continue;
		if (key.kind === 'text') {
			text += key.text;
			continue;
		}
		if (text) keys.push({kind: 'text', text});
		text = '';
		keys.push(key);
	}
	if (text) keys.push({kind: 'text', text});
	return keys;
}

/** The key of one piece of `splitKeys` for a choice or a yes/no: Enter, an arrow up or down, a character, or something else. */
export type ChoiceKey = {readonly kind: 'enter' | 'up' | 'down' | 'other'} | {readonly kind: 'char'; readonly char: string};

export function choiceKey(piece: string): ChoiceKey {
	// ESC [ A, ESC [ 1 ; <modifier> A (kitty too) and ESC O A.
	// eslint-disable-next-line no-control-regex -- matching an escape sequence is the point here
	const arrow = /^\u001B(?:\[(?:1(?:;[\d:]*)?)?|O)([AB])$/u.exec(piece);
	if (arrow) return {kind: arrow[1] === 'A' ? 'up' : 'down'};
	const key = keyOfPiece(piece);
	if (key?.kind === 'enter') return {kind: 'enter'};
	if (key?.kind === 'text' && chars(key.text).length === 1) return {kind: 'char', char: key.text};
	return {kind: 'other'};
}

/**
 * What of the keys that followed an Enter (in the same read, or before the question went away) is
 * carried over to the next question: keys typed in a burst are, the rest of a paste is not. A run of
 * two or more printable characters, or a bracketed-paste marker, is taken for a paste: then nothing
 * is carried, so the second line of a multi-line paste never answers a later question.
 */
export function keysToCarry(rest: string): string {
	const pieces = splitKeys(rest);
	let run = 0;
	for (const piece of pieces) {
		const key = keyOfPiece(piece);
		if (!key) return '';
		run = key.kind === 'text' ? run + 1 : 0;
		if (run > 1) return '';
	}
	return rest;
}

function isWordChar(c: string): boolean {
	return /[\p{L}\p{N}_]/u.test(c);
}

/** Start of the word before `cursor` (skipping separators first); `isWord` says what a word is made of. */
function wordStart(cs: string[], cursor: number, isWord: (c: string) => boolean): number {
	let i = cursor;
	while (i > 0 && !isWord(cs[i - 1]!)) i--;
	while (i > 0 && isWord(cs[i - 1]!)) i--;
	return i;
}

function wordEnd(cs: string[], cursor: number): number {
	let i = cursor;
	while (i < cs.length && !isWordChar(cs[i]!)) i++;
	while (i < cs.length && isWordChar(cs[i]!)) i++;
	return i;
}

function splice(cs: string[], from: number, to: number, insert = ''): LineState {
	const value = cs.slice(0, from).join('') + insert + cs.slice(to).join('');
	return {value, cursor: from + chars(insert).length};
}

/**
 * One key applied to a line. `placeholder` is the default shown while the field is empty: Tab or →
 * there copies it in. Enter and Esc do not change the line (the caller submits or goes back).
 */
export function applyKey(state: LineState, key: LineKey, placeholder?: string): LineState {
	const cs = chars(state.value);
	const cursor = Math.max(0, Math.min(state.cursor, cs.length));
	switch (key.kind) {
		case 'text': {
			const text = stripControls(key.text);
			return text ? splice(cs, cursor, cursor, text) : state;
		}
		case 'left':
			return {value: state.value, cursor: Math.max(0, cursor - 1)};
		case 'right':
		case 'tab':
			if (cs.length === 0 && placeholder) return lineOf(placeholder);
			if (key.kind === 'tab') return state;
			return {value: state.value, cursor: Math.min(cs.length, cursor + 1)};
		case 'word-left':
			return {value: state.value, cursor: wordStart(cs, cursor, isWordChar)};
		case 'word-right':
			return {value: state.value, cursor: wordEnd(cs, cursor)};
		case 'home':
			return {value: state.value, cursor: 0};
		case 'end':
			if (cs.length === 0 && placeholder) return lineOf(placeholder);
			return {value: state.value, cursor: cs.length};
		case 'backspace':
			return cursor > 0 ? splice(cs, cursor - 1, cursor) : state;
		case 'delete':
			return cursor < cs.length ? splice(cs, cursor, cursor + 1) : state;
		case 'kill-to-start':
			return splice(cs, 0, cursor);
		case 'kill-to-end':
			return splice(cs, cursor, cs.length);
		case 'kill-word':
			// Ctrl-W as in a shell: back to the previous blank (a whole path or URL is one word).
			return splice(cs, wordStart(cs, cursor, (c) => !/\s/u.test(c)), cursor);
		case 'kill-alnum-word':
			// Alt-Backspace: back to the previous word of letters and digits (one path segment).
			return splice(cs, wordStart(cs, cursor, isWordChar), cursor);
		case 'enter':
		case 'escape':
		case 'other':
			return state;
	}
}

export interface FeedResult {
	state: LineState;
	/** True when an Enter was read: the line is to be submitted, and the rest of the read was dropped. */
	submitted: boolean;
	/** True when a lone Esc was read (the caller decides what it means; the line is unchanged by it). */
	escaped: boolean;
	/** When submitted: what the read held after the Enter (not applied to the line; see `keysToCarry`). */
	rest?: string;
}

/** Applies one read of terminal input: the keys in order, up to and including the first Enter. */
export function feed(state: LineState, input: string, placeholder?: string): FeedResult {
	let current = state;
	let escaped = false;
	let text = '';
	const flush = () => {
		if (text) current = applyKey(current, {kind: 'text', text}, placeholder);
		text = '';
	};
	const pieces = splitKeys(input);
	for (const [i, piece] of pieces.entries()) {
		const key = keyOfPiece(piece);
		if (!key) continue;
		if (key.kind === 'text') {
			text += key.text;
			continue;
		}
		flush();
		if (key.kind === 'enter') return {state: current, submitted: true, escaped, rest: pieces.slice(i + 1).join('')};
		if (key.kind === 'escape') escaped = true;
		current = applyKey(current, key, placeholder);
	}
	flush();
	return {state: current, submitted: false, escaped};
}

/** The answer an Enter gives: the trimmed line, or the default when the line is blank. */
export function answerOf(state: LineState, defaultValue?: string): string {
	const value = stripControls(state.value).trim();
	return value === '' && defaultValue !== undefined ? stripControls(defaultValue) : value;
}

export interface LineView {
	/** Text before the cursor, the character under it (a space at the end), the text after it. */
	before: string;
	at: string;
	after: string;
	/** Whether text is hidden to the left or right of what is shown. */
	clippedLeft: boolean;
	clippedRight: boolean;
	/** The first character shown (keep it for the next frame, so the view scrolls only when it must). */
	offset: number;
}

/**
 * The part of a line that fits in `width` columns (one column per character, the cursor included),
 * scrolled so the cursor is visible. `mask` replaces every character (secrets are never echoed).
 */
export function viewLine(state: LineState, width: number, previousOffset = 0, mask?: string): LineView {
	const cs = chars(state.value).map((c) => (mask === undefined ? c : mask));
	const cursor = Math.max(0, Math.min(state.cursor, cs.length));
	const cells = cs.length + 1; // the cursor may sit after the last character
	const room = Math.max(1, Math.floor(width));
	let offset = 0;
	if (cells > room) {
		// Keep one character of context on each side of the cursor when the text goes on.
		offset = Math.max(0, Math.min(previousOffset, cells - room));
		if (cursor < offset + 1) offset = Math.max(0, cursor - 1);
		if (cursor > offset + room - 2) offset = Math.min(cells - room, cursor - room + 2);
		offset = Math.max(0, offset);
	}
	const end = Math.min(cells, offset + room);
	const visible = cs.slice(offset, Math.min(cs.length, end));
	const at = cursor - offset;
	const clippedLeft = offset > 0;
	const clippedRight = end < cells;
	// An ellipsis marks hidden text; the cursor is never on the first or last cell when text is hidden.
	if (clippedLeft && at > 0) visible[0] = '…';
	if (clippedRight && visible.length - 1 > at) visible[visible.length - 1] = '…';
	return {
		before: visible.slice(0, at).join(''),
		at: visible[at] ?? ' ',
		after: visible.slice(at + 1).join(''),
		clippedLeft,
		clippedRight,
		offset,
	};
}
