/**
 * Mounts <App> (run-ink.tsx loads this module once the environment is ready), waits for it to exit and returns the exit code: 0 ok, 1 a step failed, 2 usage
 * error, 130 cancelled. Questions are asked inside Ink: @inquirer/prompts never reads stdin meanwhile.
 */
import {render} from 'ink';
import {EXIT} from '../core/exit-codes.js';
import {nonInteractiveAsker} from '../app/asker.js';
import type {Session} from '../app/session.js';
import type {ParsedArgs} from '../cli/args.js';
import {App} from './App.js';
import {Driver} from './driver.js';
import {InkAsker} from './ink-asker.js';

export async function mountInk(opts: {session: Session; parsed: ParsedArgs; controller: AbortController}): Promise<number> {
	const {session, parsed, controller} = opts;
	const asker = new InkAsker(controller.signal);
	// Without raw mode nobody can answer: fail with the flag to pass instead of waiting forever.
	const rawMode = Boolean(process.stdin.isTTY && typeof process.stdin.setRawMode === 'function');
	const driver = new Driver({session, command: parsed.command, options: parsed.options, asker: rawMode ? asker : nonInteractiveAsker()});

	let code: number = EXIT.failed;
	const instance = render(<App session={session} driver={driver} asker={asker} controller={controller} onExit={(c) => (code = c)} />, {exitOnCtrlC: false});
	try {
		const value = await instance.waitUntilExit();
		if (typeof value === 'number') code = value;
	} catch (error) {
		session.ctx.log.log('error', 'the Ink UI stopped with an error', {error: String((error as Error)?.stack ?? error)});
		code = EXIT.failed;
	} finally {
		instance.cleanup();
	}
	// Whatever still runs (a check after a quit) is cancelled; nothing of ours keeps the process alive.
	if (code === EXIT.cancelled && !controller.signal.aborted) controller.abort();
	return code;
}
