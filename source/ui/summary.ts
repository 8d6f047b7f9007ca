/** The end-of-run summary line: what passed, what failed, and what to run next. */
import type {Command} from '../cli/args.js';
import type {Session} from '../app/session.js';
import {MARK} from '../views/format.js';
import type {DriverState} from './driver.js';

export interface RunSummary {
	text: string;
	next: string | null;
	failed: boolean;
}

export function runSummary(command: Command, session: Session, driver: DriverState, exitCode: number): RunSummary {
	if (exitCode === 130) return {text: 'Cancelled: running checks and commands were stopped.', next: null, failed: true};
	if (driver.error) {
		return {
			text: driver.error.usage ? `Error: ${driver.error.message}` : `Unexpected error: ${driver.error.message}`,
			next: driver.error.hint ?? (driver.error.usage ? null : 'The log file has the details.'),
			failed: true,
		};
	}
	const counts = {ok: 0, warn: 0, fail: 0, crash: 0, skipped: 0};
	for (const o of session.outcomes.values()) counts[o.result.status]++;
	const parts = [
		counts.ok ? `${MARK.ok} ${counts.ok} passed` : null,
		counts.warn ? `${MARK.warn} ${counts.warn} with warnings` : null,
		counts.fail ? `${MARK.fail} ${counts.fail} failed` : null,
		counts.crash ? `${MARK.crash} ${counts.crash} crashed` : null,
		counts.skipped ? `${MARK.skipped} ${counts.skipped} skipped` : null,
	].filter(Boolean);
	const failed = exitCode !== 0;
	const what = parts.length ? parts.join(' · ') : failed ? 'Something needs attention.' : 'Nothing to do.';
	const dry = session.ctx.dryRun ? ' (dry run: nothing was changed)' : '';
	let next: string | null = null;
	if (failed) next = command === 'test' ? 'Fix the cause shown above, then rerun `ollama-tunnel-wizard test`.' : 'Rerun `ollama-tunnel-wizard repair` after fixing.';
	return {text: `${failed ? 'Finished with problems' : 'Done'}: ${what}${dry}`, next, failed};
}
