/** Placeholder until the Ink UI lands: falls back to the plain flow. */
import type {Session} from '../app/session.js';
import type {ParsedArgs} from '../cli/args.js';

export async function runInk(_opts: {session: Session; parsed: ParsedArgs; controller: AbortController}): Promise<number> {
	return 1;
}
