import chalk from 'chalk';
import {afterEach, describe, expect, it, vi} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {CancelledError} from '../../source/core/exit-codes.js';
import {useStore} from '../../source/ui/hooks.js';
import {CARRY_MS, InkAsker, SkipStepError} from '../../source/ui/ink-asker.js';
import {Prompt} from '../../source/ui/Prompt.js';
import {KEY, press, tick, waitForFrame} from '../support/ink-helpers.js';

afterEach(() => cleanup());

const LEFT = '\u001B[D';

function Harness({asker}: {asker: InkAsker}) {
	const pending = useStore(asker);
	return pending ? <Prompt pending={pending} asker={asker} inputActive /> : null;
}

function mount(signal?: AbortSignal) {
	const asker = new InkAsker(signal);
	const r = render(<Harness asker={asker} />);
	return {asker, ...r};
}

describe('Ink asker and prompts', () => {
	it('masks a secret answer and resolves with what was typed', async () => {
		const {asker, stdin, lastFrame} = mount();
		const answer = asker.text({message: 'Twingate service key', flag: '--service-key-file', secret: true});
		await waitForFrame({lastFrame}, (f) => f.includes('? Twingate service key'));
		await tick();
		await press(stdin, 'hunter22');
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('********'));
		expect(frame).not.toContain('hunter22');
		await press(stdin, KEY.enter);
		await expect(answer).resolves.toBe('hunter22');
	});

	it('a masked field obeys the editing keys and never shows the text, only one * per character', async () => {
		const {asker, stdin, lastFrame, frames} = mount();
		const answer = asker.text({message: 'Connector access token', flag: '--token', secret: true});
		await waitForFrame({lastFrame}, (f) => f.includes('? Connector access token'));
		stdin.write('typo-token\u007F\u007F');
		await waitForFrame({lastFrame}, (f) => f.includes('› ********') && !f.includes('*********'));
		stdin.write('\u0015');
		await waitForFrame({lastFrame}, (f) => !f.includes('*'));
		stdin.write('s3cr3t\u001B[D\u001B[3~\u001B[HX');
		await waitForFrame({lastFrame}, (f) => f.includes('› ******'));
		stdin.write('\r');
		await expect(answer).resolves.toBe('Xs3cr3');
		expect(frames.join('\n')).not.toMatch(/typo|s3cr|Xs3/);
	});

	it('a masked field with a default never draws the default', async () => {
		const {asker, stdin, lastFrame, frames} = mount();
		const answer = asker.text({message: 'Refresh token', flag: '--refresh', secret: true, default: 'old-refresh-token'});
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('? Refresh token'));
		expect(frame).toContain('(enter keeps the current value)');
		stdin.write('\t\u001B[C\r');
		await expect(answer).resolves.toBe('old-refresh-token');
		expect(frames.join('\n')).not.toContain('old-refresh');
	});

	it('select: Enter picks the default, arrows move', async () => {
		const {asker, stdin, lastFrame} = mount();
		const q = {message: 'Which machine is this?', flag: '--role', choices: [{value: 'server', name: 'The Ollama host'}, {value: 'client', name: 'The AIlice side', description: 'Steps 4–6.'}]};
		const first = asker.select({...q, default: 'client'});
		await waitForFrame({lastFrame}, (f) => f.includes('The AIlice side') && f.includes('The AIlice side: Steps 4–6.') && !f.includes('client:'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(first).resolves.toBe('client');

		const second = asker.select(q);
		await waitForFrame({lastFrame}, (f) => f.includes('The Ollama host'));
		await tick();
		await press(stdin, KEY.down, KEY.enter);
		await expect(second).resolves.toBe('client');
	});

	it('confirm: y/n and Enter takes the default; a note is dismissed with Enter', async () => {
		const {asker, stdin, lastFrame} = mount();
		const no = asker.confirm({message: 'Apply?', flag: '--yes', default: false});
		await waitForFrame({lastFrame}, (f) => f.includes('? Apply?') && f.includes('y/N'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(no).resolves.toBe(false);

		const yes = asker.confirm({message: 'Apply again?', flag: '--yes'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Apply again?'));
		await tick();
		await press(stdin, 'y');
		await expect(yes).resolves.toBe(true);

		const note = asker.note('Connection card', 'otw1:abc');
		await waitForFrame({lastFrame}, (f) => f.includes('otw1:abc') && f.includes('Press enter to continue'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(note).resolves.toBeUndefined();
	});

	it('skip: a step question rejects with SkipStepError, a confirmation is declined, a question outside a step cannot be skipped', async () => {
		const asker = new InkAsker();
		const text = asker.forStep('ailice-config').text({message: 'Path?', flag: '--ailice-config'});
		expect(asker.skip(asker.getSnapshot()!.id)).toBe(true);
		await expect(text).rejects.toBeInstanceOf(SkipStepError);

		const confirm = asker.forStep('ailice-config').confirm({message: 'Apply?', flag: '--yes'});
		asker.skip(asker.getSnapshot()!.id);
		await expect(confirm).resolves.toBe(false);

		const role = asker.select({message: 'Role?', flag: '--role', choices: [{value: 'server', name: 'server'}]});
		expect(asker.skip(asker.getSnapshot()!.id)).toBe(false);
		asker.answer(asker.getSnapshot()!.id, 'server');
		await expect(role).resolves.toBe('server');
	});

	it('queues questions and rejects all of them with CancelledError on abort', async () => {
		const controller = new AbortController();
		const asker = new InkAsker(controller.signal);
		const a = asker.text({message: 'A', flag: '--a'});
		const b = asker.confirm({message: 'B', flag: '--b'});
		expect(asker.pendingCount).toBe(2);
		expect(asker.getSnapshot()?.kind).toBe('text');
		controller.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		await expect(b).rejects.toBeInstanceOf(CancelledError);
		expect(asker.getSnapshot()).toBeNull();
		await expect(asker.text({message: 'C', flag: '--c'})).rejects.toBeInstanceOf(CancelledError);
	});
});

describe('text field: keys arriving as a person (or a paste) sends them', () => {
	async function ask(question: Parameters<InkAsker['text']>[0]) {
		const m = mount();
		const answer = m.asker.text(question);
		await waitForFrame(m, (f) => f.includes(`? ${question.message}`));
		return {...m, answer};
	}

	it('"abc", two Backspaces and Enter in one write submit "a" (no DEL in the value)', async () => {
		const {stdin, answer} = await ask({message: 'Provider name', flag: '--provider'});
		stdin.write('abc\u007F\u007F\r');
		await expect(answer).resolves.toBe('a');
	});

	it('Ctrl-U clears to the start and Ctrl-W deletes the previous word, in the same write as the typing', async () => {
		const {stdin, lastFrame, answer} = await ask({message: 'Ollama URL', flag: '--url'});
		stdin.write('http://typo:11434\u0015http://host.lan:1143');
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('› http://host.lan:1143'));
		expect(frame).not.toContain('typo');
		stdin.write('\u0017http://host.lan:11434 junk\u0017\u007F\r');
		await expect(answer).resolves.toBe('http://host.lan:11434');
	});

	it('arrows, Home/End, Ctrl-A/Ctrl-E, Delete and Enter, all in one write: Enter right after typing is not lost', async () => {
		const {stdin, answer} = await ask({message: 'Path', flag: '--path'});
		// Ink delivers each escape sequence as its own event, synchronously, before React draws again.
		stdin.write('bcx\u001B[D\u001B[3~\u001B[HA\u001B[FD\u0001[\u0005]\u001B[D\u001B[C!\r');
		await expect(answer).resolves.toBe('[AbcD]!');
	});

	it('Backspace deletes before the cursor, Delete under it (one key each, as typed)', async () => {
		const {stdin, lastFrame, answer} = await ask({message: 'Name', flag: '--name'});
		await press(stdin, 'a', 'b', 'c', 'd', LEFT, LEFT, KEY.backspace, '\u001B[3~');
		await waitForFrame({lastFrame}, (f) => f.includes('› ad'));
		await press(stdin, KEY.enter);
		await expect(answer).resolves.toBe('ad');
	});

	it('Esc and unknown keys never type anything into the field', async () => {
		const {stdin, answer} = await ask({message: 'Name', flag: '--name'});
		await press(stdin, 'ab', KEY.escape, KEY.up, '\u001B[15~', '\u0003', 'c');
		await press(stdin, KEY.enter);
		await expect(answer).resolves.toBe('abc');
	});

	it('a default is a dim placeholder: typing replaces it, Enter accepts it, Tab copies it in for editing', async () => {
		const replaced = await ask({message: 'Folder for the deployment files', flag: '--out', default: 'ailice-twingate'});
		expect(replaced.lastFrame()).toContain('› ailice-twingate');
		replaced.stdin.write('/tmp/x');
		const frame = await waitForFrame(replaced, (f) => f.includes('› /tmp/x'));
		expect(frame).not.toContain('ailice-twingate');
		replaced.stdin.write('\r');
		await expect(replaced.answer).resolves.toBe('/tmp/x');
		cleanup();

		const accepted = await ask({message: 'Provider name', flag: '--provider', default: 'ollama'});
		await press(accepted.stdin, KEY.enter);
		await expect(accepted.answer).resolves.toBe('ollama');
		cleanup();

		const edited = await ask({message: 'Provider name', flag: '--provider', default: 'ollama'});
		edited.stdin.write('\t-2\r');
		await expect(edited.answer).resolves.toBe('ollama-2');
		cleanup();

		// Typing then erasing everything brings the placeholder back, and Enter takes the default.
		const erased = await ask({message: 'Provider name', flag: '--provider', default: 'ollama'});
		erased.stdin.write('xyz\u0015');
		await waitForFrame(erased, (f) => f.includes('› ollama'));
		erased.stdin.write('\r');
		await expect(erased.answer).resolves.toBe('ollama');
	});

	/* eslint-disable no-control-regex -- the test reads the terminal styles of the frame */
	it('the placeholder is drawn dim with the cursor on its first character; typed text is not dim', async () => {
		// The test run has colour off (FORCE_COLOR=0): turn styles on for this frame only.
		const level = chalk.level;
		chalk.level = 1;
		try {
			const {stdin, lastFrame} = await ask({message: 'Provider name', flag: '--provider', default: 'ollama'});
			const frame = lastFrame() ?? '';
			// Inverse (the cursor) on the first letter, dim (2m … 22m) around the whole placeholder.
			expect(frame).toMatch(/\u001B\[2m(?:\u001B\[7m)?o|\u001B\[7m\u001B\[2mo/u);
			expect(frame).toMatch(/llama\u001B\[22m/u);
			stdin.write('ab');
			const typed = await waitForFrame({lastFrame}, (f) => f.includes('ab'));
			expect(typed).not.toContain('llama');
			expect(typed).not.toMatch(/\u001B\[2m[^\u001B]*ab/u);
		} finally {
			chalk.level = level;
		}
	});
	/* eslint-enable no-control-regex */

	it('a long paste ending in a newline submits it whole; the field stays one row and scrolls', async () => {
		const long = `http://${'x'.repeat(240)}.example:11434`;
		const {stdin, lastFrame, answer, asker} = await ask({message: 'Ollama URL', flag: '--url', validate: (v) => (v.endsWith(':11434') ? null : 'no port')});
		stdin.write(long);
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('.example:11434'));
		const field = frame.split('\n').find((l) => l.startsWith('› ')) ?? '';
		expect(field).toMatch(/^› …x+\.example:11434 ?$/u);
		expect(frame.split('\n')).toHaveLength(2);
		stdin.write('\u0001');
		const start = await waitForFrame({lastFrame}, (f) => f.includes('› http://'));
		expect(start.split('\n').find((l) => l.startsWith('› '))).toMatch(/^› http:\/\/x+…$/u);
		stdin.write('\u000B');
		await waitForFrame({lastFrame}, (f) => !f.includes('x'));
		stdin.write(`${long}\r`);
		await expect(answer).resolves.toBe(long);
		expect(asker.pendingCount).toBe(0);
	});

	it('a multi-line paste answers with its first line only; the rest never reaches the next question', async () => {
		const {stdin, lastFrame, asker, answer} = await ask({message: 'Provider name', flag: '--provider'});
		stdin.write('first\rsecond\r');
		await expect(answer).resolves.toBe('first');
		const next = asker.text({message: 'Next', flag: '--next'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Next'));
		expect(lastFrame()).not.toContain('second');
		await press(stdin, 'ok', KEY.enter);
		await expect(next).resolves.toBe('ok');
	});

	it('control characters are stripped from what is typed or pasted', async () => {
		const {stdin, answer} = await ask({message: 'Path', flag: '--path'});
		stdin.write('/tmp/\u0000a\u0007b\u009Bc\u2028d\r');
		await expect(answer).resolves.toBe('/tmp/abcd');
	});

	it('a refused value stays in the field with the sentence under it; the next edit clears the sentence', async () => {
		const {stdin, lastFrame, answer} = await ask({message: 'Ollama URL', flag: '--url', validate: (v) => (v.startsWith('http://') ? null : 'has no scheme; write it as http://…')});
		stdin.write('host:11434\r');
		let frame = await waitForFrame({lastFrame}, (f) => f.includes('✗ has no scheme'));
		expect(frame).toContain('› host:11434');
		stdin.write('\u0001');
		await tick();
		expect(lastFrame()).toContain('✗ has no scheme');
		stdin.write('http://');
		frame = await waitForFrame({lastFrame}, (f) => f.includes('› http://host:11434'));
		expect(frame).not.toContain('✗');
		stdin.write('\n');
		await expect(answer).resolves.toBe('http://host:11434');
	});

	it('an inactive field (no raw mode) shows the question and placeholder and ignores keys', async () => {
		const asker = new InkAsker();
		const answer = asker.text({message: 'Provider name', flag: '--provider', default: 'ollama'});
		let settled = false;
		answer.then(
			() => (settled = true),
			() => undefined,
		);
		const pending = asker.getSnapshot()!;
		const {stdin, lastFrame} = render(<Prompt pending={pending} asker={asker} inputActive={false} />);
		await waitForFrame({lastFrame}, (f) => f.includes('› ollama'));
		stdin.write('abc\r');
		await tick();
		await tick();
		expect(settled).toBe(false);
		expect(lastFrame()).not.toContain('abc');
		asker.cancelAll();
		await expect(answer).rejects.toBeInstanceOf(CancelledError);
	});
});

describe('keys arriving together: each counts, and those after an answer go to the next question', () => {
	const models = {message: 'Which model?', flag: '--model', choices: [{value: 'llama3.2', name: 'llama3.2:latest'}, {value: 'qwen', name: 'qwen2.5:7b'}]};

	it('select: Enter and "n" in one write pick the focused option and answer the yes/no that follows', async () => {
		const {asker, stdin, lastFrame} = mount();
		const model = asker.select(models);
		await waitForFrame({lastFrame}, (f) => f.includes('❯ llama3.2:latest'));
		stdin.write('\rn');
		await expect(model).resolves.toBe('llama3.2');
		const more = asker.confirm({message: 'Also add the other model?', flag: '--model', default: true});
		await expect(more).resolves.toBe(false);
		expect(asker.pendingCount).toBe(0);
	});

	it('select: ↓ and Enter in one write pick the second option; Enter alone picks the first', async () => {
		const {asker, stdin, lastFrame} = mount();
		const second = asker.select(models);
		await waitForFrame({lastFrame}, (f) => f.includes('❯ llama3.2:latest'));
		stdin.write(`${KEY.down}${KEY.down}\r`);
		await expect(second).resolves.toBe('qwen');
		const first = asker.select(models);
		await waitForFrame({lastFrame}, (f) => f.includes('❯ llama3.2:latest'));
		stdin.write('\r');
		await expect(first).resolves.toBe('llama3.2');
	});

	it('select: keeps the look (❯ on the focused option, a window of the visible options that scrolls)', async () => {
		const {asker, stdin, lastFrame} = mount();
		const choices = Array.from({length: 8}, (_, i) => ({value: `m${i}`, name: `model ${i}`}));
		const answer = asker.select({message: 'Which model?', flag: '--model', choices});
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('❯ model 0'));
		expect(frame).toContain('  model 5');
		expect(frame).not.toContain('model 6');
		stdin.write(KEY.down.repeat(7));
		const scrolled = await waitForFrame({lastFrame}, (f) => f.includes('❯ model 7'));
		expect(scrolled).not.toContain('model 1');
		expect(scrolled).toContain('  model 2');
		stdin.write('\r');
		await expect(answer).resolves.toBe('m7');
	});

	it('confirm: "n" and Enter in one write answer no; the Enter confirms the letter and reaches no later question', async () => {
		const {asker, stdin, lastFrame} = mount();
		const apply = asker.confirm({message: 'Apply?', flag: '--yes'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Apply?') && f.includes('Y/n'));
		stdin.write('n\r');
		await expect(apply).resolves.toBe(false);
		const name = asker.text({message: 'Provider name', flag: '--provider', default: 'ollama'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Provider name'));
		await tick();
		expect(asker.pendingCount).toBe(1);
		await press(stdin, 'x', KEY.enter);
		await expect(name).resolves.toBe('x');
	});

	it('confirm: Enter and "y" in one write take the default and answer the next yes/no', async () => {
		const {asker, stdin, lastFrame} = mount();
		const first = asker.confirm({message: 'First?', flag: '--a', default: false});
		await waitForFrame({lastFrame}, (f) => f.includes('? First?') && f.includes('y/N'));
		stdin.write('\ry');
		await expect(first).resolves.toBe(false);
		await expect(asker.confirm({message: 'Second?', flag: '--b', default: false})).resolves.toBe(true);
	});

	it('text: Enter and "y" in one write accept the default and answer the next yes/no; a note takes Enter the same way', async () => {
		const {asker, stdin, lastFrame} = mount();
		const name = asker.text({message: 'Provider name', flag: '--provider', default: 'ollama'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Provider name'));
		stdin.write('\ry');
		await expect(name).resolves.toBe('ollama');
		await expect(asker.confirm({message: 'Make it the default?', flag: '--default', default: false})).resolves.toBe(true);

		const note = asker.note('Connection card', 'otw1:abc');
		await waitForFrame({lastFrame}, (f) => f.includes('otw1:abc'));
		stdin.write('\rn');
		await expect(note).resolves.toBeUndefined();
		await expect(asker.confirm({message: 'Again?', flag: '--again'})).resolves.toBe(false);
	});

	it('keys kept for the next question are dropped when no question comes within CARRY_MS', async () => {
		const {asker, stdin, lastFrame} = mount();
		const model = asker.select(models);
		await waitForFrame({lastFrame}, (f) => f.includes('❯ llama3.2:latest'));
		stdin.write('\ry');
		await expect(model).resolves.toBe('llama3.2');
		const now = Date.now();
		const clock = vi.spyOn(Date, 'now').mockReturnValue(now + CARRY_MS + 1);
		try {
			const later = asker.confirm({message: 'Much later?', flag: '--later', default: false});
			await waitForFrame({lastFrame}, (f) => f.includes('? Much later?'));
			await tick();
			expect(asker.pendingCount).toBe(1);
			await press(stdin, 'n');
			await expect(later).resolves.toBe(false);
		} finally {
			clock.mockRestore();
		}
	});
});
