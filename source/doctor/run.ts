/**
 * Runs every applicable check at once, each under its own time limit: the whole run is as slow as
 * its slowest check, not the sum. A check that throws is `crash`; the others go on.
 */
import type {Ctx} from '../core/context.js';
import type {EventBus} from '../core/events.js';
import {Memo, type CheckRecord, type DoctorCheck, type DoctorInput} from './types.js';

export const SLOW_AFTER_MS = 3000;
/** A check may take its network timeout plus this much (parsing, a second short probe). */
export const CHECK_ALLOWANCE_MS = 250;

export function applicableChecks(checks: readonly DoctorCheck[], ctx: Ctx, input: DoctorInput): DoctorCheck[] {
	return checks.filter(
		(c) => c.roles.includes(input.role) && (!c.platforms || c.platforms.includes(ctx.platform)) && (!c.perfOnly || input.perf),
	);
}

/** `memo` lets the caller share probes it already made in this run (e.g. AIlice's config). */
export async function runChecks(checks: readonly DoctorCheck[], ctx: Ctx, input: DoctorInput, bus: EventBus, memo = new Memo()): Promise<CheckRecord[]> {
	const list = applicableChecks(checks, ctx, input);
	const records: CheckRecord[] = list.map((c) => ({
		id: c.id,
		layer: c.layer,
		title: c.title,
		required: c.required,
		status: 'running',
		detail: 'running',
		durationMs: 0,
		slow: false,
		fixStep: c.fixStep,
	}));
	await Promise.all(
		list.map(async (check, i) => {
			const record = records[i] as CheckRecord;
			const started = ctx.clock.now();
			bus.emit({type: 'check:start', check: check.id, layer: check.layer, title: check.title});
			const slowTimer = setTimeout(() => {
				record.slow = true;
				bus.emit({type: 'check:slow', check: check.id, afterMs: SLOW_AFTER_MS});
			}, SLOW_AFTER_MS);
			slowTimer.unref?.();
			// Each check gets the per-check timeout plus a small allowance for its own parsing.
			const limit = input.timeoutMs + CHECK_ALLOWANCE_MS;
			let timer: NodeJS.Timeout | undefined;
			try {
				const outcome = await Promise.race([
					check.run(ctx, input, memo),
					new Promise<never>((_, reject) => {
						timer = setTimeout(() => reject(new TimeoutError(limit)), limit);
						timer.unref?.();
					}),
				]);
				Object.assign(record, outcome);
				if (!check.required && record.status === 'fail') record.status = 'warn';
			} catch (error) {
				if (error instanceof TimeoutError) {
					record.status = check.required ? 'fail' : 'warn';
					record.detail = `no answer within ${Math.round(limit / 1000)} s`;
					record.cause = 'timeout';
				} else {
					record.status = 'crash';
					record.detail = `crashed: ${(error as Error)?.message ?? String(error)}`;
					ctx.log.log('error', `doctor check ${check.id} crashed`, {error: String((error as Error)?.stack ?? error)});
				}
			} finally {
				clearTimeout(slowTimer);
				clearTimeout(timer);
			}
			record.durationMs = ctx.clock.now() - started;
			record.detail = ctx.secrets.redact(record.detail);
			bus.emit({type: 'check:result', check: check.id, layer: check.layer, title: check.title, status: record.status as Exclude<CheckRecord['status'], 'running'>, detail: record.detail, durationMs: record.durationMs});
		}),
	);
	return records;
}

class TimeoutError extends Error {
	constructor(readonly ms: number) {
		super(`timed out after ${ms} ms`);
	}
}
