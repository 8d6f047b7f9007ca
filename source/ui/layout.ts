/**
 * Height budgeting for the full-screen UI. Ink wraps long text inside its boxes, and a frame as tall
 * as the terminal is redrawn with a full clear (and scrolls the header and the step list away), so
 * the step screen caps its plan to the rows that are left. These helpers count how many rows a text
 * takes when Ink wraps it (wrap-ansi's row arithmetic: greedy word wrap, long words broken).
 */
import type {PendingQuestion} from './ink-asker.js';

/** Columns a string takes (code points; the wizard's texts are Latin and box-drawing, no wide glyphs). */
export function textWidth(text: string): number {
	let n = 0;
	for (const _ of text) n++;
	return n;
}

/**
 * Rows `text` takes when Ink wraps it at `width` columns (each `\n` starts a new row): the row
 * arithmetic of wrap-ansi with `{hard: true, trim: false}`, which Ink's <Text> uses.
 */
export function wrappedRows(text: string, width: number): number {
	const columns = Math.max(1, Math.floor(width));
	let total = 0;
	for (const line of text.split('\n')) {
		const rows = [0];
		const last = () => rows[rows.length - 1] ?? 0;
		const add = (n: number) => (rows[rows.length - 1] = last() + n);
		for (const [index, word] of line.split(' ').entries()) {
			const len = textWidth(word);
			if (index !== 0) {
				if (last() >= columns) rows.push(0);
				add(1); // the space (kept: trim is off)
			}
			if (len > columns) {
				// A long word is broken; it starts on a new row when that takes fewer breaks.
				const remaining = columns - last();
				if (Math.floor((len - 1) / columns) < 1 + Math.floor((len - remaining - 1) / columns)) rows.push(0);
				let visible = last();
				for (let c = 0; c < len; c++) {
					visible++;
					if (visible === columns && c < len - 1) {
						rows.push(0);
						visible = 0;
					}
				}
				rows[rows.length - 1] = visible;
				continue;
			}
			if (last() + len > columns && last() > 0 && len > 0) rows.push(0);
			add(len);
		}
		total += rows.length;
	}
	return total;
}

/** Rows of several lines. */
export function linesRows(lines: readonly string[], width: number): number {
	return lines.reduce((sum, l) => sum + wrappedRows(l, width), 0);
}

/**
 * Splits `lines` into pages of at most `rows` wrapped rows each (a line taller than a page gets a
 * page of its own). Returns the start index of each page.
 */
export function pageStarts(lines: readonly string[], width: number, rows: number): number[] {
	const starts: number[] = [];
	let used = Infinity;
	for (const [i, line] of lines.entries()) {
		const h = wrappedRows(line, width);
		if (used + h > rows) {
			starts.push(i);
			used = 0;
		}
		used += h;
	}
	return starts.length ? starts : [0];
}

/** Start index of each page when items of the given heights go on pages of at most `rows` rows. */
export function pageStartsByHeight(heights: readonly number[], rows: number): number[] {
	const starts: number[] = [];
	let used = Infinity;
	for (const [i, h] of heights.entries()) {
		if (used + h > rows) {
			starts.push(i);
			used = 0;
		}
		used += h;
	}
	return starts.length ? starts : [0];
}

/** "1 line", "2 lines". */
export function plural(n: number, one: string, many = `${one}s`): string {
	return `${n} ${n === 1 ? one : many}`;
}

/** `n` modulo `m`, never negative. */
export function wrapIndex(n: number, m: number): number {
	return m > 0 ? ((n % m) + m) % m : 0;
}

/** Rows a pending question takes in the main pane (see Prompt.tsx), at `width` columns. */
export function promptRows(pending: PendingQuestion, width: number): number {
	switch (pending.kind) {
		case 'confirm':
			// The question shrinks beside " Y/n".
			return wrappedRows(`? ${pending.question.message}`, width - 4);
		case 'text':
			// The question, the field, and room for a validation message.
			return wrappedRows(`? ${pending.question.message}`, width) + 2;
		case 'select': {
			const choices = pending.question.choices;
			const described = choices.filter((c) => c.description).map((c) => `${c.value}: ${c.description}`);
			const options = choices.slice(0, 6).map((c) => `❯ ${c.name}`);
			return wrappedRows(`? ${pending.question.message}`, width) + linesRows(options, width) + linesRows(described, width - 2);
		}
		case 'note':
			// Round border and padding around the title, the body and "Press enter to continue."
			return 2 + wrappedRows(pending.title, width - 4) + wrappedRows(pending.body, width - 4) + 1;
	}
}

/** Rows a pending question needs at the least: the question and its options (a select's descriptions may be cut). */
export function promptMinRows(pending: PendingQuestion, width: number): number {
	switch (pending.kind) {
		case 'select': {
			const options = pending.question.choices.slice(0, 6).map((c) => `❯ ${c.name}`);
			return wrappedRows(`? ${pending.question.message}`, width) + linesRows(options, width);
		}
		case 'note':
			// The border, the title, one row of the body, the keys.
			return 2 + wrappedRows(pending.title, width - 4) + 1 + 1;
		default:
			return promptRows(pending, width);
	}
}

/** The smallest terminal the full-screen UI draws in; below it, a sentence says so. */
export const MIN_COLUMNS = 60;
export const MIN_ROWS = 15;
/** Below this width the step list is one line above the step screen instead of a column beside it. */
export const WIDE_COLUMNS = 90;
