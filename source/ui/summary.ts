/** The end-of-run summary line: what passed, what failed, and what to run next. */
import type {Command} from '../cli/args.js';
import type {Session} from '../app/session.js';
import {MARK} from '../views/format.js';
import type {DriverState} from '../app/controller.js';
import {count} from '../core/words.js';

export interface RunSummary {
	text: string;
	next: string | null;
	failed: boolean;
}

/** The end line, rendered from the controller's summary object (the same one the plain and JSON views show). */
export function runSummary(command: Command, session: Session, driver: DriverState, summary: Record<string, unknown>, exitCode: number): RunSummary {
	if (exitCode === 130) return {text: 'Cancelled: running checks and commands were stopped.', next: null, failed: true};
	if (driver.error) {
		return {
			text: driver.error.usage ? `Error: ${driver.error.message}` : `Unexpected error: ${driver.error.message}`,
			next: driver.error.hint ?? (driver.error.usage ? null : 'The log file has the details.'),
			failed: true,
		};
	}
	if (command === 'doctor' && driver.doctor?.report) return doctorSummaryLine(session, driver, exitCode);
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
	// Commands without a screen of their own (undo, configure-ailice, …) close with the flow's own sentence and next step.
	const own = command !== 'setup' && command !== 'test' && command !== 'doctor' && command !== 'repair';
	const text = (key: string) => (typeof summary[key] === 'string' ? session.ctx.secrets.redact(summary[key] as string) : null);
	const what = parts.length ? parts.join(' · ') : ((own ? text('message') : null) ?? (failed ? 'Something needs attention.' : 'Nothing to do.'));
	const dry = session.ctx.dryRun ? ' (dry run: nothing was changed)' : '';
	// The same "what next" as the plain and JSON views: from the setup's outcomes, or the flow's summary.
	let next: string | null = command === 'setup' || own ? text('next') : null;
	if (failed && command === 'test') next = 'Fix the cause shown above, then rerun `ollama-tunnel-wizard test`.';
	else if (failed && !next) next = 'Fix the cause shown above, then run `ollama-tunnel-wizard repair` (it reruns only what failed and, on a terminal, asks the failed step’s questions again).';
	return {text: `${failed ? 'Finished with problems' : 'Done'}: ${what}${dry}`, next, failed};
}

/** The doctor's end line: the checks of the latest run (after a fix: the re-check), and what to run next. */
function doctorSummaryLine(session: Session, driver: DriverState, exitCode: number): RunSummary {
	const report = driver.doctor?.report;
	const counts = {ok: 0, warn: 0, fail: 0, crash: 0, skipped: 0};
	for (const r of report?.records ?? []) if (r.status !== 'running') counts[r.status]++;
	const parts = [
		counts.ok ? `${MARK.ok} ${counts.ok} ok` : null,
		counts.warn ? `${MARK.warn} ${count(counts.warn, 'warning')}` : null,
		counts.fail ? `${MARK.fail} ${counts.fail} failed` : null,
		counts.crash ? `${MARK.crash} ${counts.crash} crashed` : null,
		counts.skipped ? `${MARK.skipped} ${counts.skipped} skipped` : null,
	].filter(Boolean);
	const failed = exitCode !== 0;
	const what = parts.length ? parts.join(' · ') : 'no checks ran';
	let next: string | null = null;
	if (failed) {
		const step = report?.diagnosis.fixStep ? session.steps.find((s) => s.id === report.diagnosis.fixStep) : undefined;
		const here = step?.available && (!session.role || step.roles.includes(session.role));
		if (step && here) next = 'Let the wizard fix it with `ollama-tunnel-wizard doctor --fix` (f in this screen), then run doctor again.';
		else if (step?.available && session.role) next = `Run \`ollama-tunnel-wizard doctor --role ${step.roles[0]} --fix\` on ${step.roles[0] === 'server' ? 'the Ollama host' : 'the AIlice side'}, then run doctor here again.`;
		else next = 'Do what the Fix line says, then run `ollama-tunnel-wizard doctor` again.';
	}
	return {text: `Doctor ${failed ? 'found problems' : 'finished'}: ${what}`, next, failed};
}
