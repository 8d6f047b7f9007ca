/** Text formatting shared by the plain view, the dry-run output and the Ink UI. */
import {createTwoFilesPatch, formatPatch, structuredPatch} from 'diff';
import type {PlannedAction, StepStatus} from '../core/types.js';
import {maskSecrets} from '../core/mask.js';

export const MARK: Record<StepStatus | 'running' | 'pending', string> = {
	ok: '✓',
	warn: '!',
	fail: '✗',
	skipped: '-',
	crash: '☠',
	running: '…',
	pending: ' ',
};

/** Quote an argument vector for display only (the wizard itself never runs a shell string). */
export function shellQuote(argv: string[]): string {
	return argv.map((a) => (/^[\w@%+=:,./-]+$/.test(a) ? a : `'${a.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/**
 * A unified diff of a file change, with the values of secret-looking keys masked on both sides
 * before diffing: neither a changed line nor a context line ever shows a secret.
 *
 * Only the changed region is diffed and masked: the lines both texts share at the start and at the
 * end are found by comparing the texts directly, and the diff library runs on the rest plus a few
 * lines either side, with the hunk line numbers moved back to the file's. The output is the same as
 * diffing and masking the whole texts (see {@link wholeFileDiff}, which the tests compare it with).
 */
export function fileDiff(path: string, before: string | null, after: string): string {
	if (before === null) return wholeFileDiff(path, before, after);
	if (before === after) return `--- ${path}\n+++ ${path}`.trimEnd(); // no hunks
	// Masking is line by line unless a secret can span lines (a PEM block, a quoted .env value, a
	// JSON pair broken over lines, an escaped pair in a string): then both texts are masked whole.
	if (maskSpansLines(before) || maskSpansLines(after)) return regionDiff(path, maskSecrets(before), maskSecrets(after), (t) => t);
	return regionDiff(path, before, after, maskSecrets);
}

/** The plain way: mask both whole texts, diff them whole. */
export function wholeFileDiff(path: string, before: string | null, after: string): string {
	const maskedBefore = before === null ? '' : maskSecrets(before);
	const maskedAfter = maskSecrets(after);
	if (before !== null && before !== after && maskedBefore === maskedAfter) return onlySecretsChange(path);
	return createTwoFilesPatch(before === null ? '/dev/null' : path, path, maskedBefore, maskedAfter, undefined, undefined, {context: CONTEXT})
		.split('\n')
		.slice(2) // drop the "Index"/"====" header lines
		.join('\n')
		.trimEnd();
}

const CONTEXT = 3;
const onlySecretsChange = (path: string) => `--- ${path}\n+++ ${path}\n(only secret values change; they are not shown)`;

const SPANS_LINES = [/-----BEGIN /, /\\"/, /:[^\S\n]*\n/, /"[^\S\n]*\n\s*:/];
// A .env-style line whose value starts with a quote (which may close lines later); looked for only
// where some `=` is followed by a quote at all, which is quicker to rule out.
const EQUALS_QUOTE = /=[^\S\n]*["'`]/;
const ENV_QUOTED = /^[^\S\n]*(?:export\s+)?[A-Za-z_][\w.-]*[^\S\n]*=[^\S\n]*["'`]/m;

/** Whether masking this text could treat lines other than one by one (so a part cannot be masked alone). */
export function maskSpansLines(text: string): boolean {
	return SPANS_LINES.some((re) => re.test(text)) || (EQUALS_QUOTE.test(text) && ENV_QUOTED.test(text));
}

/** Index of the first character where a and b differ (the shorter length when one starts the other). */
function firstDifference(a: string, b: string): number {
	const n = Math.min(a.length, b.length);
	let i = 0;
	for (let step = 65536; step >= 16; step >>= 4) while (i + step <= n && a.slice(i, i + step) === b.slice(i, i + step)) i += step;
	while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
	return i;
}

/** How many characters a and b share at the end, at most `max`. */
function commonSuffixLength(a: string, b: string, max: number): number {
	let e = 0;
	for (let step = 65536; step >= 16; step >>= 4) while (e + step <= max && a.slice(a.length - e - step, a.length - e) === b.slice(b.length - e - step, b.length - e)) e += step;
	while (e < max && a.charCodeAt(a.length - e - 1) === b.charCodeAt(b.length - e - 1)) e++;
	return e;
}

/** The position after `count` more line ends from `from` (the text's end when there are fewer). */
function linesForward(text: string, from: number, count: number): number {
	let at = from;
	for (let k = 0; k < count && at < text.length; k++) {
		const nl = text.indexOf('\n', at);
		at = nl === -1 ? text.length : nl + 1;
	}
	return at;
}

function countLines(text: string, from: number, to: number): number {
	let n = 0;
	for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) n++;
	return n;
}

/**
 * The diff of the changed region of two texts that differ: `mask` is applied to the parts diffed
 * only (it must work line by line). Shared lines at the start are left out but for the context;
 * shared lines at the end are left out from a line that occurs nowhere else in the diffed part, so
 * the diff cannot line up differently than it would over the whole texts.
 */
function regionDiff(path: string, before: string, after: string, mask: (text: string) => string): string {
	const d = firstDifference(before, after);
	const changeStart = d === 0 ? 0 : before.lastIndexOf('\n', d - 1) + 1;
	// Keep CONTEXT shared lines before the change.
	let start = changeStart;
	for (let k = 0; k < CONTEXT && start > 0; k++) start = start < 2 ? 0 : before.lastIndexOf('\n', start - 2) + 1;
	const lineOffset = countLines(before, 0, start);
	// Shared lines at the end: from the first line start inside the common tail (in both texts).
	const e = commonSuffixLength(before, after, Math.min(before.length, after.length) - changeStart);
	const delta = after.length - before.length;
	const tailStart = e === 0 ? before.length : before.indexOf('\n', before.length - e);
	const sharedFrom = tailStart === -1 || tailStart >= before.length ? before.length : tailStart + 1;
	for (let keep = CONTEXT + 1; ; keep *= 2) {
		const endBefore = linesForward(before, sharedFrom, keep);
		// One line more than is diffed: the first line left out, which must occur nowhere in the diffed
		// part (a last line without a newline is never left out).
		const nextEnd = linesForward(before, endBefore, 1);
		const whole = endBefore >= before.length || before.charCodeAt(nextEnd - 1) !== 10;
		const end = whole ? before.length : nextEnd;
		const maskedBefore = mask(before.slice(start, end));
		const maskedAfter = mask(after.slice(start, end + delta));
		const b = maskedBefore.split('\n');
		const a = maskedAfter.split('\n');
		let oldPart = maskedBefore;
		let newPart = maskedAfter;
		if (!whole) {
			// Both end with the line left out and its newline: b = [..., left, ''].
			const left = b[b.length - 2];
			if (b.length < 2 || a.length < 2 || left !== a[a.length - 2] || b.at(-1) !== '' || a.at(-1) !== '') return wholeFileDiff(path, before, after); // not expected: masking changed the line count
			const seen = new Set<string>();
			for (let k = 0; k < b.length - 2; k++) seen.add(b[k] ?? '');
			for (let k = 0; k < a.length - 2; k++) seen.add(a[k] ?? '');
			if (seen.has(left ?? '')) continue;
			oldPart = maskedBefore.slice(0, maskedBefore.length - (left ?? '').length - 1);
			newPart = maskedAfter.slice(0, maskedAfter.length - (left ?? '').length - 1);
		}
		if (oldPart === newPart) return onlySecretsChange(path);
		const patch = structuredPatch(path, path, oldPart, newPart, undefined, undefined, {context: CONTEXT});
		if (!whole) {
			// A change the diff slid towards the end needs its full context from the part: take more.
			const lines = patch.hunks.at(-1)?.lines ?? [];
			let trailing = 0;
			while (trailing < CONTEXT && lines[lines.length - 1 - trailing]?.startsWith(' ')) trailing++;
			if (trailing < CONTEXT) continue;
		}
		for (const hunk of patch.hunks) {
			hunk.oldStart += lineOffset;
			hunk.newStart += lineOffset;
		}
		return formatPatch(patch)
			.split('\n')
			.slice(2) // drop the "Index"/"====" header lines
			.join('\n')
			.trimEnd();
	}
}

export function renderAction(action: PlannedAction): string {
	switch (action.kind) {
		case 'command':
			return `  $ ${shellQuote(action.argv)}\n      ${action.why}${action.interactive ? ' (runs in your terminal; may ask for your password)' : ''}`;
		case 'file': {
			const head = `  ${action.before === null ? 'create' : 'change'} ${action.path}${action.mode !== undefined ? ` (mode ${action.mode.toString(8)})` : ''}\n      ${action.why}`;
			if (action.secret) return `${head}\n      (content is secret and not shown)`;
			return `${head}\n${fileDiff(action.path, action.before, action.after)
				.split('\n')
				.map((l) => `    ${l}`)
				.join('\n')}`;
		}
		case 'manual':
			return `  • ${action.why}\n${action.text
				.split('\n')
				.map((l) => `      ${l}`)
				.join('\n')}`;
	}
}

/** The plan for NDJSON: commands and diffs (secret values masked), never secret content. */
export function actionForJson(action: PlannedAction): Record<string, unknown> {
	if (action.kind === 'file') {
		return {
			kind: 'file',
			path: action.path,
			why: action.why,
			create: action.before === null,
			mode: action.mode ?? null,
			diff: action.secret ? null : fileDiff(action.path, action.before, action.after),
			secret: Boolean(action.secret),
		};
	}
	return {...action};
}
