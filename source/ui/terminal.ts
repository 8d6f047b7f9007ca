/**
 * Handing the real terminal to a command (sudo's password prompt, an installer) while the Ink UI
 * runs. Ink 6.8 has no suspendTerminal (it arrived in ink 7.1), so the UI steps aside by
 * unmounting: its frame is erased, raw mode is switched off, and Node stops reading stdin, so every
 * key goes to the command; afterwards the UI is rendered again from the same stores (the driver,
 * the asker and the event history), so nothing is lost.
 */
import type {TerminalHandOver} from '../core/context.js';

/** What the UI does around a hand-over (mount.tsx implements it over Ink's render/unmount). */
export interface Suspendable {
	/** Take the UI off the screen and stop reading keys; resolves once the terminal is free. */
	suspend(command: string | undefined): Promise<void>;
	/** Draw the UI again and read keys again. */
	resume(): void;
}

/** Hand-overs run one at a time; the UI comes back after each. */
export class InkTerminal implements TerminalHandOver {
	readonly #target: Suspendable;
	#tail: Promise<unknown> = Promise.resolve();
	#active = false;

	constructor(target: Suspendable) {
		this.#target = target;
	}

	/** True while a command owns the terminal. */
	get active(): boolean {
		return this.#active;
	}

	handOver<T>(fn: () => Promise<T>, command?: string): Promise<T> {
		const run = this.#tail.then(async () => {
			await this.#target.suspend(command);
			this.#active = true;
			try {
				return await fn();
			} finally {
				this.#active = false;
				this.#target.resume();
			}
		});
		this.#tail = run.catch(() => undefined);
		return run;
	}
}

type StdinHandle = {reading?: boolean; readStop?: () => number; readStart?: () => number};

/**
 * After Ink let go of stdin, libuv may still have a read pending on the terminal (a TTY stream
 * keeps one outstanding while idle), so the first line typed for sudo could land in Node instead,
 * and reach Ink as keys afterwards. Stop that read; returns how to restore it. Best effort: without
 * the private handle (another runtime) it does nothing.
 */
export function pauseStdinReads(stdin: NodeJS.ReadStream): () => void {
	const handle = (stdin as unknown as {_handle?: StdinHandle})._handle;
	if (!handle?.reading || typeof handle.readStop !== 'function' || typeof handle.readStart !== 'function') return () => undefined;
	handle.reading = false;
	handle.readStop();
	return () => {
		if (handle.reading) return;
		handle.reading = true;
		handle.readStart?.();
	};
}

/** The line shown while a command owns the terminal. */
export function handOverBanner(command: string | undefined): string {
	const what = command ? `\`${command}\`` : 'a command';
	const sudo = command && /^sudo(\s|$)/.test(command) ? ' (sudo may ask for your password)' : '';
	return `▸ Running ${what} in this terminal${sudo}; the wizard comes back when it ends.`;
}
