import {describe, expect, it} from 'vitest';
import {EMPTY_LINE, answerOf, applyKey, feed, lineOf, parseKeys, stripControls, viewLine, type LineState} from '../../source/ui/line-edit.js';

/** Feeds each read in turn to an empty line (or `start`); returns the line and whether Enter was read. */
function type(reads: string[], start: LineState = EMPTY_LINE, placeholder?: string) {
	let state = start;
	for (const read of reads) {
		const r = feed(state, read, placeholder);
		state = r.state;
		if (r.submitted) return {...state, submitted: true};
	}
	return {...state, submitted: false};
}

const at = (value: string, cursor: number): LineState => ({value, cursor});

describe('line editor: reading keys from terminal input', () => {
	it('one read holding several keys is split into those keys, typed runs kept whole', () => {
		expect(parseKeys('abc\u007F\u007F\r')).toEqual([{kind: 'text', text: 'abc'}, {kind: 'backspace'}, {kind: 'backspace'}, {kind: 'enter'}]);
		expect(parseKeys('\u0015new\u0017x')).toEqual([{kind: 'kill-to-start'}, {kind: 'text', text: 'new'}, {kind: 'kill-word'}, {kind: 'text', text: 'x'}]);
		expect(parseKeys('a\u001B[Db\u001B[3~')).toEqual([{kind: 'text', text: 'a'}, {kind: 'left'}, {kind: 'text', text: 'b'}, {kind: 'delete'}]);
	});

	it('names the terminal sequences of every key (xterm, rxvt, SS3, kitty)', () => {
		const kind = (s: string) => parseKeys(s).map((k) => k.kind);
		expect(kind('\u001B[D\u001B[C\u001BOD\u001BOC')).toEqual(['left', 'right', 'left', 'right']);
		expect(kind('\u001B[H\u001B[F\u001BOH\u001BOF\u001B[1~\u001B[4~\u001B[7~\u001B[8~')).toEqual(['home', 'end', 'home', 'end', 'home', 'end', 'home', 'end']);
		expect(kind('\u0001\u0005\u0002\u0006')).toEqual(['home', 'end', 'left', 'right']);
		expect(kind('\u007F\u0008\u001B[3~\u0004')).toEqual(['backspace', 'backspace', 'delete', 'delete']);
		expect(kind('\u0015\u0017\u000B\u001B\u007F')).toEqual(['kill-to-start', 'kill-word', 'kill-to-end', 'kill-alnum-word']);
		expect(kind('\u001B[1;5D\u001B[1;5C\u001Bb\u001Bf\u001B\u001B[D')).toEqual(['word-left', 'word-right', 'word-left', 'word-right', 'word-left']);
		expect(kind('\r\n\r\n\t\u001B')).toEqual(['enter', 'enter', 'tab', 'escape']);
		expect(kind('\u001B[A\u001B[B\u001B[15~\u0003\u0000')).toEqual(['other', 'other', 'other', 'other', 'other']);
		// Kitty keyboard protocol: a letter, Enter, Backspace, Ctrl-U, a key release.
		expect(parseKeys('\u001B[97u\u001B[13u\u001B[127u\u001B[117;5u\u001B[97;1:3u')).toEqual([
			{kind: 'text', text: 'a'},
			{kind: 'enter'},
			{kind: 'backspace'},
			{kind: 'kill-to-start'},
			{kind: 'other'},
		]);
	});

	it('a bracketed paste is plain text; an unfinished sequence is dropped, never inserted', () => {
		expect(parseKeys('\u001B[200~http://host:11434\u001B[201~')).toEqual([{kind: 'text', text: 'http://host:11434'}]);
		expect(parseKeys('ab\u001B[1;')).toEqual([{kind: 'text', text: 'ab'}, {kind: 'other'}]);
	});

	it('control characters are stripped from text (DEL, ESC sequences, NUL, C1, line separators)', () => {
		expect(stripControls('a\u007Fb\u0000c\u001B[31md\u009Be\u2028f\u001Bg')).toBe('abcdef');
		expect(lineOf('/tmp/\u007Fx\u0007')).toEqual(at('/tmp/x', 6));
	});
});

describe('line editor: every key', () => {
	it('typing inserts at the cursor; a burst "abc⌫⌫⏎" in one read submits "a"', () => {
		expect(type(['abc\u007F\u007F\r'])).toEqual({value: 'a', cursor: 1, submitted: true});
		expect(applyKey(at('ac', 1), {kind: 'text', text: 'b'})).toEqual(at('abc', 2));
		expect(applyKey(at('ac', 1), {kind: 'text', text: '\u007F\u001B'})).toEqual(at('ac', 1));
	});

	it('left/right move one character and stop at the ends; Ctrl-B/Ctrl-F too', () => {
		expect(type(['abc\u001B[D\u001B[DX'])).toMatchObject({value: 'aXbc', cursor: 2});
		expect(type(['ab\u001B[D\u001B[D\u001B[D\u001B[DX'])).toMatchObject({value: 'Xab', cursor: 1});
		expect(type(['ab\u001B[C\u001B[CX'])).toMatchObject({value: 'abX', cursor: 3});
		expect(type(['ab\u0002\u0002\u0006X'])).toMatchObject({value: 'aXb'});
	});

	it('Home/End and Ctrl-A/Ctrl-E go to the start and the end', () => {
		expect(type(['bc\u001B[HA\u001B[FD'])).toMatchObject({value: 'AbcD', cursor: 4});
		expect(type(['bc\u0001A\u0005D'])).toMatchObject({value: 'AbcD', cursor: 4});
		expect(type(['bc\u001BOHA\u001B[4~D'])).toMatchObject({value: 'AbcD'});
	});

	it('Backspace deletes before the cursor, Delete and Ctrl-D under it; both stop at the ends', () => {
		expect(type(['abc\u001B[D\u007F'])).toMatchObject({value: 'ac', cursor: 1});
		expect(type(['\u007F\u007Fx'])).toMatchObject({value: 'x'});
		expect(type(['abc\u0001\u001B[3~'])).toMatchObject({value: 'bc', cursor: 0});
		expect(type(['abc\u0001\u0004\u0004'])).toMatchObject({value: 'c', cursor: 0});
		expect(type(['abc\u001B[3~'])).toMatchObject({value: 'abc', cursor: 3});
	});

	it('Ctrl-U clears to the start of the line, Ctrl-K to its end', () => {
		expect(type(['http://typo\u0015http://ok'])).toMatchObject({value: 'http://ok', cursor: 9});
		expect(type(['abcdef\u001B[D\u001B[D\u0015'])).toMatchObject({value: 'ef', cursor: 0});
		expect(type(['abcdef\u0001\u0006\u0006\u000B'])).toMatchObject({value: 'ab', cursor: 2});
	});

	it('Ctrl-W deletes the previous blank-separated word; Alt-Backspace only letters and digits', () => {
		expect(type(['ollama two  \u0017'])).toMatchObject({value: 'ollama ', cursor: 7});
		expect(type(['/tmp/some/path\u0017'])).toMatchObject({value: ''});
		expect(type(['/tmp/some/path\u001B\u007F'])).toMatchObject({value: '/tmp/some/'});
		expect(applyKey(at('', 0), {kind: 'kill-word'})).toEqual(at('', 0));
	});

	it('Ctrl/Alt with an arrow, Alt-b and Alt-f move by word', () => {
		expect(applyKey(at('http://host.lan:11434', 21), {kind: 'word-left'})).toEqual(at('http://host.lan:11434', 16));
		expect(applyKey(at('http://host.lan:11434', 0), {kind: 'word-right'})).toEqual(at('http://host.lan:11434', 4));
		expect(type(['one two\u001Bb\u001Bb>'])).toMatchObject({value: '>one two'});
	});

	it('Enter ends the read: what follows it is dropped (a multi-line paste answers one question)', () => {
		expect(type(['first\rsecond\r'])).toEqual({value: 'first', cursor: 5, submitted: true});
		expect(type(['abc', '\r'])).toMatchObject({value: 'abc', submitted: true});
		expect(type(['abc\r\n'])).toMatchObject({value: 'abc', submitted: true});
	});

	it('a long paste, with or without a trailing newline', () => {
		const long = `http://${'a'.repeat(300)}.example:11434`;
		expect(type([long])).toEqual({value: long, cursor: long.length, submitted: false});
		expect(type([`${long}\r`])).toMatchObject({value: long, submitted: true});
		expect(type([`${long}\n`])).toMatchObject({value: long, submitted: true});
	});

	it('Esc, up/down and unknown keys leave the line as it is (Esc is reported to the caller)', () => {
		const r = feed(at('abc', 1), '\u001B');
		expect(r).toEqual({state: at('abc', 1), submitted: false, escaped: true});
		expect(type(['abc\u001B[A\u001B[B\u001B[15~\u0003'])).toMatchObject({value: 'abc', cursor: 3});
	});

	it('a default is a placeholder: typing replaces it, Tab, → or End on the empty field copies it in', () => {
		expect(type(['/tmp/x'], EMPTY_LINE, 'ailice-twingate')).toMatchObject({value: '/tmp/x'});
		expect(type(['\t/x'], EMPTY_LINE, 'ailice-twingate')).toMatchObject({value: 'ailice-twingate/x'});
		expect(type(['\u001B[C\u007F'], EMPTY_LINE, 'ollama')).toMatchObject({value: 'ollam'});
		expect(type(['\u001B[F!'], EMPTY_LINE, 'ollama')).toMatchObject({value: 'ollama!'});
		// Once there is text, Tab does nothing and → only moves.
		expect(type(['a\u001B[D\t\u001B[C'], EMPTY_LINE, 'ollama')).toMatchObject({value: 'a', cursor: 1});
	});

	it('the answer is the trimmed line, or the default when the line is blank', () => {
		expect(answerOf(at('  /tmp/x  ', 0), 'ailice-twingate')).toBe('/tmp/x');
		expect(answerOf(at('   ', 0), 'ailice-twingate')).toBe('ailice-twingate');
		expect(answerOf(EMPTY_LINE)).toBe('');
	});

	it('counts the cursor in characters, not UTF-16 units', () => {
		expect(type(['añ😀b\u007F\u007F'])).toMatchObject({value: 'añ', cursor: 2});
		expect(type(['😀😀\u001B[D\u007F'])).toMatchObject({value: '😀', cursor: 0});
	});
});

describe('line editor: what is drawn', () => {
	it('a short line is drawn whole, the cursor after it', () => {
		expect(viewLine(at('abc', 3), 20)).toMatchObject({before: 'abc', at: ' ', after: '', clippedLeft: false, clippedRight: false});
		expect(viewLine(at('abc', 1), 20)).toMatchObject({before: 'a', at: 'b', after: 'c'});
	});

	it('a line wider than the field scrolls to keep the cursor visible, with … where text is hidden', () => {
		const line = lineOf('0123456789abcdefghij');
		const end = viewLine(line, 10);
		expect(end).toMatchObject({before: '…cdefghij', at: ' ', after: '', clippedLeft: true, clippedRight: false});
		expect(end.before.length + 1).toBe(10);
		const start = viewLine({...line, cursor: 0}, 10, end.offset);
		expect(start).toMatchObject({before: '', at: '0', after: '12345678…', clippedLeft: false, clippedRight: true});
		// Moving one step left from the end does not scroll.
		expect(viewLine({...line, cursor: 19}, 10, end.offset).offset).toBe(end.offset);
	});

	it('a masked line shows one * per character and never the text', () => {
		const view = viewLine(lineOf('hunter22'), 20, 0, '*');
		expect(view.before + view.at + view.after).toBe('******** ');
		expect(JSON.stringify(view)).not.toContain('hunter');
	});
});
