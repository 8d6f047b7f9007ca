/**
 * Text that came from a server, a file or another program (model names, versions, error bodies,
 * command output) is made safe to show on a terminal: terminal escape sequences (CSI, OSC, DCS and
 * the other string controls, two-byte escapes, their 8-bit C1 forms) and every other control
 * character are taken out, so nothing a server sends can retitle the window, clear the screen,
 * move the cursor or overwrite a line with `\r`. Bidirectional overrides are taken out too
 * (they reorder what is shown; see https://trojansource.codes).
 *
 * strip-ansi (ESM, Node ≥ 12) removes escape sequences only, not bare controls such as `\r`, BEL or
 * NUL, nor string controls ended by ST; this one function does both, following ECMA-48
 * (https://ecma-international.org/publications-and-standards/standards/ecma-48/).
 */

// ESC or its 8-bit form starts each sequence. Parts:
//  - string controls (OSC ESC ] / 0x9D, DCS ESC P / 0x90, SOS ESC X / 0x98, PM ESC ^ / 0x9E,
//    APC ESC _ / 0x9F): everything up to BEL, ST (ESC \ or 0x9C), the next ESC or, unterminated, the end;
//  - CSI (ESC [ / 0x9B): parameter bytes 0x30–0x3F, intermediate bytes 0x20–0x2F, one final byte
//    0x40–0x7E (a sequence cut short by the end of the text goes too);
//  - any other escape: intermediate bytes 0x20–0x2F, then one final byte 0x30–0x7E (ESC c, ESC ( B, …);
//    a lone ESC at the end goes too.
const SEQUENCE =
	// eslint-disable-next-line no-control-regex -- matching control characters is the point here
	/(?:\u001B[\]PX^_]|[\u0090\u0098\u009D\u009E\u009F])[^\u0007\u001B\u009C]*(?:\u0007|\u001B\\|\u009C|(?=\u001B)|$)|(?:\u001B\[|\u009B)[\u0030-\u003F]*[\u0020-\u002F]*(?:[\u0040-\u007E]|$)|\u001B[\u0020-\u002F]*(?:[\u0030-\u007E]|$)/g;
// C0 controls, DEL, C1 controls, and the bidirectional embedding/override/isolate characters.
// eslint-disable-next-line no-control-regex -- matching control characters is the point here
const CONTROL = /[\u0000-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069]/g;
const WHITE = /[\t\n\v\f\r]/g;
const UNSAFE = new RegExp(`${SEQUENCE.source}|${CONTROL.source}`);

/**
 * Free text (an error body, a version, a line of command output): escape sequences removed, tabs,
 * line breaks and carriage returns become a space, every other control character is removed.
 */
export function sanitizeText(text: string): string {
	return text.replace(SEQUENCE, '').replace(WHITE, ' ').replace(CONTROL, '');
}

/**
 * A name the user may pick or type (a model name from /api/tags): each escape sequence or control
 * character becomes U+FFFD, so the name shows that something was there and can never equal, or
 * match, a clean name the user typed (no model name contains U+FFFD).
 */
export function sanitizeName(name: string): string {
	return name.replace(SEQUENCE, '\uFFFD').replace(CONTROL, '\uFFFD');
}

/** True when the text holds nothing that sanitizeText would change. */
export function isClean(text: string): boolean {
	return !UNSAFE.test(text);
}
