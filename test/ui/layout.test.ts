import {describe, expect, it} from 'vitest';
import {renderToString, Box, Text} from 'ink';
import {createElement as h} from 'react';
import {pageStarts, wrapIndex, wrappedRows} from '../../source/ui/layout.js';

/** The rows Ink itself takes for `text` in a box `width` columns wide. */
function inkRows(text: string, width: number): number {
	return renderToString(h(Box, {width}, h(Text, null, text))).split('\n').length;
}

describe('layout: wrapped rows', () => {
	it('counts the rows Ink takes for wrapped text (words, long words, indents, newlines)', () => {
		const samples = [
			'short',
			'  create /tmp/repro/home/.config/ailice/config.json (mode 600)',
			'      Create a minimal valid config.json with the ollama provider (ailice.md §11); AIlice fills in its defaults on first start.',
			'    +      "baseURL": "http://127.0.0.1:43979/v1",',
			'a-very-long-word-without-any-spaces-that-needs-to-be-broken-hard-into-pieces and more',
			'two\nlines',
			'ends with spaces   ',
		];
		for (const width of [12, 30, 56, 60]) {
			for (const text of samples) expect(wrappedRows(text, width), `${JSON.stringify(text)} at ${width}`).toBe(inkRows(text, width));
		}
	});

	it('splits lines into pages of at most the given rows', () => {
		expect(pageStarts(['a', 'b', 'c', 'd', 'e'], 10, 2)).toEqual([0, 2, 4]);
		// A line taller than a page gets a page of its own.
		expect(pageStarts(['a', 'x'.repeat(35), 'b'], 10, 2)).toEqual([0, 1, 2]);
		expect(pageStarts([], 10, 2)).toEqual([0]);
		expect(wrapIndex(-1, 3)).toBe(2);
		expect(wrapIndex(4, 3)).toBe(1);
	});
});
