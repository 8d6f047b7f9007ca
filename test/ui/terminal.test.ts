/**
 * The terminal hand-over (issue 3: "the Ink UI steps aside while sudo asks for a password"): an
 * interactive command runs inside ctx.terminal.handOver, the UI is suspended around it, one at a
 * time, and comes back even when the command fails. The PTY side is in test/e2e/handover.test.ts.
 */
import {describe, expect, it} from 'vitest';
import {SecretRegistry, type TerminalHandOver} from '../../source/core/context.js';
import {createCommandRunner, createRealCtx} from '../../source/core/real-context.js';
import {handOverBanner, InkTerminal, pauseStdinReads, type Suspendable} from '../../source/ui/terminal.js';

const silent = {log: () => undefined};

function recorder(): {log: string[]; target: Suspendable} {
	const log: string[] = [];
	return {
		log,
		target: {
			suspend: async (command) => {
				await new Promise((r) => setTimeout(r, 5));
				log.push(`suspend ${command ?? ''}`.trim());
			},
			resume: () => log.push('resume'),
		},
	};
}

describe('terminal hand-over', () => {
	it('suspends the UI before the command and resumes it after, also when the command throws', async () => {
		const {log, target} = recorder();
		const terminal = new InkTerminal(target);
		const value = await terminal.handOver(async () => {
			log.push('run');
			expect(terminal.active).toBe(true);
			return 7;
		}, 'sudo systemctl restart ollama');
		expect(value).toBe(7);
		expect(terminal.active).toBe(false);
		await expect(
			terminal.handOver(async () => {
				log.push('run 2');
				throw new Error('boom');
			}),
		).rejects.toThrow('boom');
		expect(log).toEqual(['suspend sudo systemctl restart ollama', 'run', 'resume', 'suspend', 'run 2', 'resume']);
	});

	it('runs hand-overs one at a time: the second waits until the UI is back from the first', async () => {
		const {log, target} = recorder();
		const terminal = new InkTerminal(target);
		let release!: () => void;
		const first = terminal.handOver(async () => {
			log.push('first');
			await new Promise<void>((r) => (release = r));
		}, 'a');
		const second = terminal.handOver(async () => void log.push('second'), 'b');
		await new Promise((r) => setTimeout(r, 30));
		expect(log).toEqual(['suspend a', 'first']);
		release();
		await Promise.all([first, second]);
		expect(log).toEqual(['suspend a', 'first', 'resume', 'suspend b', 'second', 'resume']);
	});

	it('the command runner runs interactive commands inside handOver, and only those', async () => {
		const seen: string[] = [];
		const terminal: TerminalHandOver = {
			handOver: async (fn, command) => {
				seen.push(command ?? '');
				return fn();
			},
		};
		const secrets = new SecretRegistry();
		secrets.add('hunter22');
		const run = createCommandRunner(new AbortController().signal, silent, secrets, () => terminal);
		const plain = await run('sh', ['-c', 'exit 0']);
		expect(plain.exitCode).toBe(0);
		expect(seen).toEqual([]);
		const interactive = await run('sh', ['-c', 'exit 3', 'hunter22'], {interactive: true});
		expect(interactive.exitCode).toBe(3);
		// The UI is told what runs, with secrets redacted.
		expect(seen).toEqual(['sh -c exit 3 ***']);
	});

	it('a hand-over that fails is a failed command, not a crash of the wizard', async () => {
		const terminal: TerminalHandOver = {handOver: async () => Promise.reject(new Error('no terminal'))};
		const run = createCommandRunner(new AbortController().signal, silent, new SecretRegistry(), () => terminal);
		const r = await run('sh', ['-c', 'exit 0'], {interactive: true});
		expect(r).toMatchObject({exitCode: null, stderr: 'no terminal'});
	});

	it('createRealCtx uses the hand-over set on the ctx later (the Ink UI sets it once it mounts)', async () => {
		const ctx = createRealCtx({signal: new AbortController().signal, log: silent});
		expect(ctx.terminal).toBeUndefined();
		let calls = 0;
		ctx.terminal = {
			handOver: async (fn) => {
				calls++;
				return fn();
			},
		};
		// A step gets a copy of the ctx (runStep spreads it); the runner still sees the UI's hand-over.
		const copy = {...ctx};
		const r = await copy.run('sh', ['-c', 'exit 0'], {interactive: true});
		expect(r.exitCode).toBe(0);
		expect(calls).toBe(1);
		const given = createRealCtx({signal: new AbortController().signal, log: silent, terminal: ctx.terminal});
		await given.run('sh', ['-c', 'exit 0'], {interactive: true});
		expect(calls).toBe(2);
	});

	it('stops a pending stdin read for the hand-over and restores it after', () => {
		const calls: string[] = [];
		const handle = {reading: true, readStop: () => (calls.push('stop'), 0), readStart: () => (calls.push('start'), 0)};
		const restore = pauseStdinReads({_handle: handle} as unknown as NodeJS.ReadStream);
		expect(handle.reading).toBe(false);
		restore();
		expect(handle.reading).toBe(true);
		expect(calls).toEqual(['stop', 'start']);
		// Nothing pending, or no handle at all: nothing to do.
		const idle = {reading: false, readStop: () => (calls.push('stop'), 0), readStart: () => (calls.push('start'), 0)};
		pauseStdinReads({_handle: idle} as unknown as NodeJS.ReadStream)();
		pauseStdinReads({} as NodeJS.ReadStream)();
		expect(calls).toEqual(['stop', 'start']);
	});

	it('says what runs in the terminal, and that sudo may ask for the password', () => {
		expect(handOverBanner('sudo systemctl daemon-reload')).toBe('▸ Running `sudo systemctl daemon-reload` in this terminal (sudo may ask for your password); the wizard comes back when it ends.');
		expect(handOverBanner('brew install --cask twingate')).not.toContain('password');
	});
});
