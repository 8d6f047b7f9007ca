/**
 * The Ink UI entry, loaded by source/cli/main.ts only when stdin and stdout are TTYs and not CI.
 * Returns the exit code: 0 ok, 1 a step failed, 2 usage error, 130 cancelled.
 *
 * Ink decides "CI" once, when it is first imported (is-in-ci: *any* CI variable that is not "0" or
 * "false", even an empty one), and then only prints the final frame. main.ts treats an empty CI as
 * not CI, so drop empty values before Ink loads; that is why Ink is imported here dynamically.
 */
import type {Session} from '../app/session.js';
import type {ParsedArgs} from '../cli/args.js';
import {dropEmptyCi} from '../cli/ci.js';

/** Loads Ink and the UI (after clearing an empty CI, see above) so runInk can draw at once. */
export async function preloadInk(): Promise<void> {
	dropEmptyCi();
	await import('./mount.js');
}

export async function runInk(opts: {session: Session; parsed: ParsedArgs; controller: AbortController}): Promise<number> {
	dropEmptyCi();
	const {mountInk} = await import('./mount.js');
	const code = await mountInk(opts);
	// Ink wraps long lines with hard line breaks inside its boxes; the connection card must be copied
	// whole, so once the UI is gone it is printed again as one plain line.
	const card = opts.session.journal?.card ?? null;
	if (card && opts.session.outcomes.has('client-address')) process.stdout.write(`\nConnection card (paste it on the AIlice side, or pass it as --card):\n${card}\n`);
	return code;
}
