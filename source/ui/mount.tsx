/**
 * Mounts <App> (run-ink.tsx loads this module once the environment is ready), waits for it to exit and returns the exit code: 0 ok, 1 a step failed, 2 usage
 * error, 130 cancelled (also after SIGHUP, which the entry point reports as 129). Questions are asked inside Ink: @inquirer/prompts never reads stdin meanwhile.
 * A command that needs the real terminal (sudo) gets it: the UI unmounts around it and comes back.
 */
import {render, type Instance} from 'ink';
import {CancelledError, EXIT, exitCodeFor} from '../core/exit-codes.js';
import {nonInteractiveAsker} from '../app/asker.js';
import type {Session} from '../app/session.js';
import type {ParsedArgs} from '../cli/args.js';
import {App} from './App.js';
import {Driver} from '../app/controller.js';
import {InkAsker} from './ink-asker.js';
import {applyColorPolicy} from './theme.js';
import {handOverBanner, InkTerminal, pauseStdinReads} from './terminal.js';

export async function mountInk(opts: {session: Session; parsed: ParsedArgs; controller: AbortController}): Promise<number> {
	const {session, parsed, controller} = opts;
	const asker = new InkAsker(controller.signal);
	// Without raw mode nobody can answer: fail with the flag to pass instead of waiting forever.
	const rawMode = Boolean(process.stdin.isTTY && typeof process.stdin.setRawMode === 'function');
	const driver = new Driver({session, command: parsed.command, options: parsed.options, asker: rawMode ? asker : nonInteractiveAsker()});

	let code: number = EXIT.failed;
	let finalHeight = 0;
	let next: string | null = null;
	const onExit = (c: number, info: {height: number; next: string | null}) => {
		code = c;
		finalHeight = info.height;
		next = info.next;
	};
	const element = <App session={session} driver={driver} asker={asker} controller={controller} onExit={onExit} />;
	applyColorPolicy();
	const renderOptions = {exitOnCtrlC: false};
	let instance: Instance = render(element, renderOptions);

	// The terminal hand-over: erase the frame, unmount (raw mode off, cursor shown), stop reading stdin,
	// say what runs; afterwards render the same element again (its state lives in the stores).
	let away: {back: Promise<void>; done: () => void} | null = null;
	let restoreReads: () => void = () => undefined;
	const terminal = new InkTerminal({
		async suspend(command) {
			let done: () => void = () => undefined;
			const back = new Promise<void>((resolve) => (done = resolve));
			away = {back, done};
			const current = instance;
			// An empty tree first (committed synchronously): the render Ink flushes at unmount, even a
			// throttled one still pending (a spinner frame), is then empty, so the frame is erased.
			current.rerender(<></>);
			current.unmount();
			await current.waitUntilExit().catch(() => undefined);
			restoreReads = pauseStdinReads(process.stdin);
			process.stdout.write(`${handOverBanner(command)}\n`);
		},
		resume() {
			restoreReads();
			restoreReads = () => undefined;
			instance = render(element, renderOptions);
			const was = away;
			away = null;
			was?.done();
		},
	});
	const previousTerminal = session.ctx.terminal;
	session.ctx.terminal = terminal;
	// While the UI is up, SIGINT/SIGTERM/SIGHUP (Ctrl-C during a hand-over, when the terminal is not
	// raw, a kill, or the terminal window closed) cancel like q; the entry point turns a SIGHUP into
	// exit 129. Keeping a listener of our own also stops signal-exit (Ink's exit hook)
	// from re-raising the signal once the entry point's one-shot handler has run, which would kill
	// the process before the UI could show "Cancelled" and exit 130.
	const onSignal = (signal: NodeJS.Signals) => {
		if (!controller.signal.aborted) controller.abort(new CancelledError(`received ${signal}`));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);

	try {
		for (;;) {
			const current = instance;
			const value = await current.waitUntilExit();
			// Unmounted for a hand-over: wait until the UI is back, then wait for that instance.
			const handedOver = away as {back: Promise<void>} | null;
			if (handedOver) {
				await handedOver.back;
				continue;
			}
			if (instance !== current) continue; // already back from a hand-over
			if (typeof value === 'number') code = value;
			break;
		}
	} catch (error) {
		session.ctx.log.log('error', 'the Ink UI stopped with an error', {error: String((error as Error)?.stack ?? error)});
		code = exitCodeFor({error});
	} finally {
		instance.cleanup();
		session.ctx.terminal = previousTerminal;
		process.off('SIGINT', onSignal);
		process.off('SIGTERM', onSignal);
		process.off('SIGHUP', onSignal);
	}
	// Ink ends a final frame as tall as the terminal without a newline ("fullscreen"): add it, so what
	// is printed next (the log path) starts on a line of its own.
	if (process.stdout.isTTY && process.stdout.rows && finalHeight >= process.stdout.rows) process.stdout.write('\n');
	// What to run next, as one plain line (Ink would have cut it with hard line breaks at the width).
	if (next) process.stdout.write(`${next}\n`);
	// Whatever still runs (a check after a quit) is cancelled; nothing of ours keeps the process alive.
	if (code === EXIT.cancelled && !controller.signal.aborted) controller.abort();
	return code;
}
