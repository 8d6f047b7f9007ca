/**
 * What the screen shows at its edges: the final frame (no key hints, the right "cancelled while …"),
 * and a plan taller than the terminal (capped and paged, so the header, the step list and the
 * question stay on screen).
 */
import path from 'node:path';
import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import type {Plan, Step} from '../../source/core/types.js';
import {KEY, lastDrawnFrame, press, tick, waitFor, waitForFrame} from '../support/ink-helpers.js';
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
		const asking = await waitForFrame(app, (f) => f.includes('? Apply the 1 change of step 4'));
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

/** Mounts at `size` and returns the index of the first frame drawn at that size (ink-testing-library draws one before). */
async function sized(app: {frames: string[]}): Promise<number> {
	await tick();
	await tick();
	return app.frames.length;
}

/** Every frame drawn so far fits `size`: fewer rows than the terminal (Ink clears the screen and the scrollback for a taller one), no row wider. */
function expectFramesFit(frames: string[], size: {columns: number; rows: number}): void {
	for (const frame of frames) {
		if (frame === '') continue;
		const rows = frame.split('\n');
		expect(rows.length, frame).toBeLessThan(size.rows);
		for (const row of rows) expect([...row].length, row).toBeLessThanOrEqual(size.columns);
	}
}

const CHOICES = [
	{name: 'Docker on this machine', value: 'docker-here', description: 'The wizard runs the Connector container here after you paste the two tokens (masked). Resource address: the host-gateway alias.'},
	{name: 'Another always-on machine on this LAN', value: 'lan-machine', description: 'systemd or Docker there; the wizard prints the command. Ollama must then listen on the LAN.'},
	{name: 'A Linux VM on this Mac', value: 'linux-vm', description: 'UTM, Parallels and the like; the systemd Connector runs in the VM.'},
	{name: 'A Connector already runs in this network', value: 'existing', description: 'Nothing to deploy; you confirm it shows Connected.'},
	{name: 'Skip: I set up Twingate myself', value: 'skip', description: 'Steps 2 and 3 still run.'},
];

describe('a plan taller than the terminal (110×36)', () => {
	it('is paged before its confirmation: the question comes on the last page, under the list of the changes; y applies', async () => {
		const applied = {count: 0};
		const size = {columns: 110, rows: 36};
		const app = mountApp({
			command: 'setup',
			role: 'client',
			size,
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': longPlanStep(() => app.ctx.dir, 40, applied)}),
		});
		const from = await sized(app);
		let frame = await waitForFrame(app, (f) => f.includes('Plan (not applied yet):'));
		expect(frame.split('\n')[0]).toContain('ollama-tunnel-wizard setup');
		expect(frame).toMatch(/› 4 \? AIlice's config\.json/);
		expect(frame).toMatch(/6 +Test the connection/);
		expect(frame).toContain('"key1": "value 1"');
		expect(frame).toMatch(/… page 1 of \d+ · space: next · then the question/);
		// No question claims changes "shown above" while the plan has pages not seen yet.
		expect(frame).not.toContain('? Apply');
		// y does not answer a question that is not on screen.
		await press(app.stdin, 'y');
		frame = await waitForFrame(app, (f) => f.includes('Page through the plan first'));
		expect(applied.count).toBe(0);

		for (let i = 0; i < 8 && !(app.lastFrame() ?? '').includes('? Apply'); i++) await press(app.stdin, ' ');
		frame = await waitForFrame(app, (f) => f.includes('? Apply the 1 change'));
		expect(frame).toMatch(/Plan \(not applied yet\): 1 change · PgUp: see it again/);
		expect(frame).toMatch(/create .*config\.json/);
		// The pages showed every line on the way.
		const seen = app.frames.join('\n');
		for (const n of [1, 20, 38]) expect(seen).toContain(`"key${n}": "value ${n}"`);
		// PgUp goes back into the plan (the question waits again), space returns.
		await press(app.stdin, PAGE_UP);
		frame = await waitForFrame(app, (f) => !f.includes('? Apply') && /… page \d+ of \d+/.test(f));
		await press(app.stdin, ' ');
		await waitForFrame(app, (f) => f.includes('? Apply the 1 change'));
		expectFramesFit(app.frames.slice(from), size);

		await press(app.stdin, 'y');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(applied.count).toBe(1);
		expect(app.exitCode()).toBe(0);
	});
});

describe('every frame fits the terminal', () => {
	for (const size of [
		{columns: 80, rows: 24},
		{columns: 100, rows: 32},
	]) {
		it(`${size.columns}×${size.rows}: a choice with long descriptions keeps its question and every option on screen`, async () => {
			const app = mountApp({
				command: 'setup',
				role: 'client',
				size,
				answers: {url: 'http://127.0.0.1:9'},
				interviews: {
					'ailice-config': async (_session, asker) => {
						await asker.select({message: 'Where should the Twingate Connector run?', flag: '--connector', choices: CHOICES, default: 'docker-here'});
					},
				},
				steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': {available: true, check: async () => ({status: 'ok', summary: 'Nothing to change.', details: []})}}),
			});
			const from = await sized(app);
			const frame = await waitForFrame(app, (f) => f.includes('? Where should the Twingate Connector run?'));
			for (const c of CHOICES) expect(frame).toContain(c.name);
			if (size.columns < 90) expect(frame).toMatch(/^Steps: .*›\?4/m);
			else expect(frame).toMatch(/› 4 \? AIlice/);
			expectFramesFit(app.frames.slice(from), size);
			await press(app.stdin, KEY.enter);
			await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
			expectFramesFit(app.frames.slice(from), size);
		});

		it(`${size.columns}×${size.rows}: a failed step with details and its Fix, then the wait for r/enter/q`, async () => {
			const details = Array.from({length: 30}, (_, i) => `detail line ${i + 1}`);
			const app = mountApp({
				command: 'setup',
				role: 'client',
				size,
				answers: {url: 'http://127.0.0.1:9'},
				steps: sixSteps({
					check: async () => ({status: 'fail', summary: 'Ollama did not answer.', details, cause: 'unreachable', remediation: {text: 'Start Ollama, then press r.', commands: [['ollama', 'serve']]}}),
				}),
			});
			const from = await sized(app);
			const frame = await waitForFrame(app, (f) => f.includes('Step 6 failed.'));
			expect(frame).toContain('Ollama did not answer.');
			expect(frame).toContain('r retry step');
			expectFramesFit(app.frames.slice(from), size);
			await press(app.stdin, 'q');
			await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
			expectFramesFit(app.frames.slice(from), size);
		});

		it(`${size.columns}×${size.rows}: a long note is paged and enter continues`, async () => {
			const body = Array.from({length: 40}, (_, i) => `note line ${i + 1}`).join('\n');
			const app = mountApp({
				command: 'setup',
				role: 'client',
				size,
				answers: {url: 'http://127.0.0.1:9'},
				interviews: {
					'ailice-config': async (_session, asker) => {
						await asker.note('A long note', body);
					},
				},
				steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': {available: true, check: async () => ({status: 'ok', summary: 'Nothing to change.', details: []})}}),
			});
			const from = await sized(app);
			let frame = await waitForFrame(app, (f) => f.includes('A long note'));
			expect(frame).toMatch(/Page 1 of \d+ · space: more · enter: continue/);
			expect(frame).not.toContain('note line 40');
			await press(app.stdin, ' ');
			frame = await waitForFrame(app, (f) => f.includes('Page 2 of'));
			expectFramesFit(app.frames.slice(from), size);
			await press(app.stdin, KEY.enter);
			await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
			expect(app.exitCode()).toBe(0);
		});
	}

	it('59×14: says the terminal is too small and how to get the plain view; q quits', async () => {
		const size = {columns: 59, rows: 14};
		const app = mountApp({command: 'setup', role: 'client', size, answers: {url: 'http://127.0.0.1:9'}, steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})}, {'ailice-config': longPlanStep(() => app.ctx.dir, 40, {count: 0})})});
		const from = await sized(app);
		const frame = await waitForFrame(app, (f) => f.includes('too small'));
		expect(frame).toContain('59×14');
		expect(frame).toContain('--plain');
		expectFramesFit(app.frames.slice(from), size);
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(130);
	});
});
