/**
 * What the screen shows at its edges: the final frame (no key hints, the right "cancelled while …"),
 * and a plan taller than the terminal (capped and paged, so the header, the step list and the
 * question stay on screen).
 */
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {Plan, Step} from '../../source/core/types.js';
import {KEY, lastDrawnFrame, press, waitFor, waitForFrame} from '../support/ink-helpers.js';
import {mountApp, sixSteps} from './fixtures.js';

afterEach(() => cleanup());

const PAGE_UP = '\u001B[5~';

/** Step 4 with a plan that writes a config.json of `lines` lines; apply makes the check pass. */
function longPlanStep(dir: () => string, lines: number, applied: {count: number}): Partial<Step> {
	let done = false;
	const after = `{\n${Array.from({length: lines - 2}, (_, i) => `  "key${i + 1}": "value ${i + 1}",`).join('\n')}\n}\n`;
	return {
		available: true,
		check: async () => (done ? {status: 'ok', summary: 'config.json points at Ollama.', details: []} : {status: 'fail', summary: 'No config.json yet.', details: [], cause: 'missing'}),
		plan: async (): Promise<Plan> => ({actions: [{kind: 'file', path: path.join(dir(), 'config.json'), why: 'Create a minimal config.json', before: null, after}], inputs: {}, notes: ['A note about the context window.']}),
		apply: async () => {
			applied.count++;
			done = true;
		},
	};
}

describe('the final frame', () => {
	it('shows every detail of a result and no "press enter" hint once the program has exited', async () => {
		const details = Array.from({length: 8}, (_, i) => `detail line ${i + 1}`);
		const app = mountApp({answers: {url: 'http://127.0.0.1:9'}, steps: sixSteps({check: async () => ({status: 'warn', summary: 'Slow but working.', details})})});
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		const last = lastDrawnFrame(app);
		expect(last).toContain('Done:');
		expect(last).not.toContain('press enter');
		for (const d of details) expect(last).toContain(d);
	});

	it('Ctrl-C at a confirmation: the step says it was waiting for your answer, not "checking"', async () => {
		const applied = {count: 0};
		const app = mountApp({
			command: 'setup',
			role: 'client',
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': longPlanStep(() => app.ctx.dir, 6, applied)}),
		});
		const asking = await waitForFrame(app, (f) => f.includes('? Apply the 1 change(s) of step 4'));
		// Nothing runs while the question waits: `?` in the list, no "Checking…" spinner.
		expect(asking).toMatch(/› 4 \? AIlice/);
		expect(asking).not.toContain('Checking…');
		await press(app.stdin, KEY.ctrlC);
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(130);
		const last = lastDrawnFrame(app);
		expect(last).toContain('Cancelled while waiting for your answer');
		expect(last).not.toContain('Cancelled while checking');
		expect(applied.count).toBe(0);
	});
});

describe('a plan taller than the terminal (110×36)', () => {
	it('is capped and paged: the header, the step list and the question stay on screen; space pages, y applies', async () => {
		const applied = {count: 0};
		const app = mountApp({
			command: 'setup',
			role: 'client',
			size: {columns: 110, rows: 36},
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': longPlanStep(() => app.ctx.dir, 40, applied)}),
		});
		let frame = await waitForFrame(app, (f) => f.includes('? Apply the 1 change(s) of step 4'));
		const rows = frame.split('\n');
		// Shorter than the terminal (Ink clears the whole screen for a frame as tall as it).
		expect(rows.length).toBeLessThan(36);
		expect(rows[0]).toContain('ollama-tunnel-wizard setup');
		expect(frame).toMatch(/› 4 \? AIlice's config\.json/);
		expect(frame).toMatch(/6 +Test the connection/);
		expect(frame).toContain('Plan (not applied yet):');
		expect(frame).toContain('"key1": "value 1"');
		expect(frame).not.toContain('"key38"');
		expect(frame).toMatch(/… \d+ more line\(s\) · space: more/);
		expect(frame).not.toContain('enter: all'); // enter answers the question here
		expect(frame).toContain('A note about the context window.');

		await press(app.stdin, ' ');
		frame = await waitForFrame(app, (f) => /… lines \d+–\d+ of \d+/.test(f));
		expect(frame.split('\n').length).toBeLessThan(36);
		expect(frame).not.toContain('"key1": "value 1"');
		expect(frame).toContain('? Apply the 1 change(s) of step 4');
		// Page on to the end: the last lines show, and space goes back to the top.
		for (let i = 0; i < 5 && !(app.lastFrame() ?? '').includes('"key38"'); i++) await press(app.stdin, ' ');
		frame = await waitForFrame(app, (f) => f.includes('"key38": "value 38"') && f.includes('space: top'));
		expect(frame.split('\n').length).toBeLessThan(36);
		await press(app.stdin, PAGE_UP);
		frame = await waitForFrame(app, (f) => !f.includes('"key38"'));
		expect(applied.count).toBe(0);

		await press(app.stdin, 'y');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(applied.count).toBe(1);
		expect(app.exitCode()).toBe(0);
	});
});
