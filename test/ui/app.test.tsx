import {afterEach, describe, expect, it} from 'vitest';
import {cleanup} from 'ink-testing-library';
import {createCommandRunner} from '../../source/core/real-context.js';
import {STEPS} from '../../source/steps/index.js';
import {FOOTER_KEYS} from '../../source/ui/Footer.js';
import {KEY, lastDrawnFrame, press, tick, waitFor, waitForFrame} from '../support/ink-helpers.js';
import {gate, mountApp, selectedLine, sixSteps} from './fixtures.js';

afterEach(() => cleanup());

const title = (n: number) => STEPS[n - 1]!.title;

describe('Ink UI shell', () => {
	it('renders the six step titles and the footer keys', async () => {
		const g = gate();
		const app = mountApp({steps: sixSteps({check: async () => (await g.promise, {status: 'ok', summary: 'fine', details: []})}), answers: {url: 'http://127.0.0.1:9'}});
		const frame = await waitForFrame(app, (f) => f.includes('Checking'));
		for (const step of STEPS) expect(frame).toContain(step.title.slice(0, 20));
		expect(frame).toContain(FOOTER_KEYS);
		expect(frame).toContain('↑/↓ select · enter open · r retry step · s skip · q quit');
		g.release();
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
	});

	it('moves the selection with ↑/↓ and says plainly that unavailable steps are not available yet', async () => {
		const g = gate();
		const app = mountApp({steps: sixSteps({check: async () => (await g.promise, {status: 'ok', summary: 'fine', details: []})}), answers: {url: 'http://127.0.0.1:9'}});
		await waitForFrame(app, (f) => f.includes('Checking'));
		await tick();
		expect(selectedLine(app.lastFrame()!)).toContain(title(6));

		await press(app.stdin, KEY.up);
		let frame = await waitForFrame(app, (f) => selectedLine(f).includes('5'));
		expect(selectedLine(frame)).toContain('› 5');
		expect(frame).toContain(`Step 5 · ${title(5)}`);
		expect(frame).toContain('not available in this version yet');
		// The status pane keeps following the step that runs.
		expect(frame).toContain('Live checks · step 6');

		await press(app.stdin, KEY.down);
		frame = await waitForFrame(app, (f) => selectedLine(f).includes('› 6'));
		expect(frame).toContain(`Step 6 · ${title(6)}`);
		expect(frame).not.toContain('not available in this version yet');

		await press(app.stdin, KEY.up, KEY.up, KEY.up, KEY.up, KEY.up, KEY.up);
		frame = await waitForFrame(app, (f) => selectedLine(f).includes('› 1'));
		expect(frame).toContain(`Step 1 · ${title(1)}`);
		expect(frame).toMatch(/not available in this version yet/);
		// Nothing pretends to have run: no check ran for step 1 and its screen has no result.
		expect(frame).not.toMatch(/✓ .*Twingate/);
		g.release();
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
	});

	it('shows a running check live, then its result', async () => {
		const g = gate();
		const app = mountApp({
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({
				async check(ctx) {
					ctx.progress('tcp', 'running', 'Connecting to 127.0.0.1:9');
					await g.promise;
					ctx.progress('tcp', 'fail', 'Connection refused by 127.0.0.1:9');
					return {status: 'fail', summary: 'Nothing listens on 127.0.0.1:9 (refused).', details: ['Addresses: 127.0.0.1'], cause: 'refused', remediation: {text: 'Start Ollama on the host.', commands: [['ollama', 'serve']]}};
				},
			}),
		});
		const running = await waitForFrame(app, (f) => f.includes('running: Connecting to 127.0.0.1:9'));
		expect(running).toContain('Live checks · step 6');
		expect(running).toContain('Checking…');

		g.release();
		const done = await waitForFrame(app, (f) => f.includes('✗ Connection refused by 127.0.0.1:9') && f.includes('Finished with problems'));
		expect(done).not.toContain('running: Connecting');
		expect(done).toContain('✗ Nothing listens on 127.0.0.1:9 (refused).');
		expect(done).toContain('Fix: Start Ollama on the host.');
		expect(done).toContain('$ ollama serve');
		expect(done).toContain('✗ 1 failed');
		// A failed run waits (r can rerun the step) instead of exiting by itself; q exits with its code.
		expect(done).toContain('enter/q exit');
		await new Promise((r) => setTimeout(r, 60));
		expect(app.exitCode()).toBeUndefined();
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
	});

	it('asks a text question inside Ink: an invalid value shows the validation message, a valid one resolves it', async () => {
		let seenUrl: unknown;
		const app = mountApp({
			steps: sixSteps({
				async check(_ctx, answers) {
					seenUrl = answers.url;
					return {status: 'ok', summary: 'Ollama answered.', details: []};
				},
			}),
		});
		await waitForFrame(app, (f) => f.includes('? Ollama URL'));
		await tick();
		// Letters belong to the text field: q and r are typed, not keys.
		await press(app.stdin, 'nope');
		await press(app.stdin, KEY.enter);
		let frame = await waitForFrame(app, (f) => f.includes('has no scheme'));
		expect(frame).toContain('✗ The URL "nope" has no scheme; write it as');
		expect(app.exitCode()).toBeUndefined();
		expect(app.ctx.controller.signal.aborted).toBe(false);

		await press(app.stdin, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
		frame = await waitForFrame(app, (f) => !f.includes('has no scheme'));
		await press(app.stdin, 'http://127.0.0.1:9');
		await press(app.stdin, KEY.enter);
		frame = await waitForFrame(app, (f) => f.includes('Ollama answered.'));
		expect(frame).not.toContain('? Ollama URL');
		expect(seenUrl).toBe('http://127.0.0.1:9');
		expect(app.session.answers.url).toBe('http://127.0.0.1:9');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
	});

	it('a pasted value ending in a newline is submitted; a refused one stays in the field with the message', async () => {
		const app = mountApp({steps: sixSteps({check: async () => ({status: 'ok', summary: 'Ollama answered.', details: []})})});
		await waitForFrame(app, (f) => f.includes('? Ollama URL'));
		await tick();
		await press(app.stdin, 'nope\r');
		const frame = await waitForFrame(app, (f) => f.includes('has no scheme'));
		expect(frame).toContain('› nope');
		await press(app.stdin, KEY.backspace, KEY.backspace, KEY.backspace, KEY.backspace);
		await press(app.stdin, 'http://127.0.0.1:9\n');
		await waitForFrame(app, (f) => f.includes('Ollama answered.'));
		expect(app.session.answers.url).toBe('http://127.0.0.1:9');
	});

	it('q aborts the controller (killing children), exits with 130 and leaves a final frame', async () => {
		let sawAbort = false;
		const app = mountApp({
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({
				async check(ctx) {
					ctx.progress('tcp', 'running', 'Connecting');
					await new Promise((_resolve, reject) =>
						ctx.signal.addEventListener('abort', () => {
							sawAbort = true;
							reject(new Error('aborted'));
						}),
					);
					return {status: 'ok', summary: 'never', details: []};
				},
			}),
		});
		await waitForFrame(app, (f) => f.includes('running: Connecting'));
		await tick();
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(130);
		expect(app.ctx.controller.signal.aborted).toBe(true);
		expect(sawAbort).toBe(true);
		const last = lastDrawnFrame(app);
		expect(last).toContain('Cancelled: running checks and commands were stopped.');
		expect(last).toContain('Cancelled while checking');
		// The check threw because of the abort: that is not shown as a crash.
		expect(last).not.toContain('☠');
		expect(last).not.toContain(FOOTER_KEYS);
	});

	it('q kills a running child process (the controller is execa\'s cancelSignal)', async () => {
		let child: {ms: number; exitCode: number | null} | undefined;
		const app = mountApp({
			answers: {url: 'http://127.0.0.1:9'},
			steps: sixSteps({
				async check(ctx) {
					const run = createCommandRunner(ctx.signal, ctx.log, ctx.secrets);
					ctx.progress('sleep', 'running', 'sleep 30');
					const started = Date.now();
					const r = await run('sleep', ['30']);
					child = {ms: Date.now() - started, exitCode: r.exitCode};
					return {status: 'ok', summary: 'slept', details: []};
				},
			}),
		});
		await waitForFrame(app, (f) => f.includes('running: sleep 30'));
		await press(app.stdin, 'q');
		await waitFor(() => child !== undefined, 5000, 'the child to end');
		expect(child!.ms).toBeLessThan(5000);
		expect(child!.exitCode).toBeNull();
		expect(app.exitCode()).toBe(130);
	});

	it('Ctrl-C quits even while a text field has focus', async () => {
		const app = mountApp({steps: sixSteps()});
		await waitForFrame(app, (f) => f.includes('? Ollama URL'));
		await tick();
		await press(app.stdin, 'q');
		expect(app.exitCode()).toBeUndefined();
		await press(app.stdin, KEY.ctrlC);
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(130);
		expect(app.ctx.controller.signal.aborted).toBe(true);
	});

	it('r reruns the selected step after the run and uses the new result for the exit code', async () => {
		let calls = 0;
		const app = mountApp({
			answers: {url: 'http://127.0.0.1:9'},
			exitDelayMs: 2000,
			steps: sixSteps({
				async check() {
					calls++;
					return calls === 1 ? {status: 'fail', summary: 'Refused.', details: [], cause: 'refused'} : {status: 'ok', summary: 'Works now.', details: []};
				},
			}),
		});
		await waitForFrame(app, (f) => f.includes('Finished with problems'));
		await tick();
		await press(app.stdin, 'r');
		await waitForFrame(app, (f) => f.includes('✓ Works now.') && f.includes('Done: ✓ 1 passed'));
		await press(app.stdin, 'q');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(0);
		expect(app.ctx.controller.signal.aborted).toBe(false);
	});

	it('Esc in the URL field skips the step: nothing is tested and the test command exits 1', async () => {
		const app = mountApp({steps: sixSteps()});
		await waitForFrame(app, (f) => f.includes('? Ollama URL'));
		await tick();
		await press(app.stdin, KEY.escape);
		const frame = await waitForFrame(app, (f) => f.includes('was skipped (you chose to skip it)'));
		expect(frame).toContain('- 1 skipped');
		await waitFor(() => app.exitCode() !== undefined, 3000, 'exit');
		expect(app.exitCode()).toBe(1);
	});
});
