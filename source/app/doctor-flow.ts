/**
 * `doctor`: every applicable check at once, live; one diagnosis sentence with its evidence;
 * with --fix (or `f` in the UI) the owning step's plan → confirm → apply → re-check, reported
 * before/after. Never claims fixed without the re-check passing.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {EXIT} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import type {Role} from '../core/types.js';
import {DOCTOR_CHECKS} from '../doctor/checks.js';
import {diagnose, type Diagnosis} from '../doctor/diagnose.js';
import {runChecks} from '../doctor/run.js';
import type {CheckRecord, DoctorCheck, DoctorInput} from '../doctor/types.js';
import type {Options} from '../cli/args.js';
import {stepById} from '../steps/index.js';
import type {Asker} from './asker.js';
import {askRole, confirmWith, type FlowResult} from './flows.js';
import type {Session} from './session.js';

export const DOCTOR_TIMEOUT_MS = 5000;

export function doctorInput(session: Session, options: Options, role: Role): DoctorInput {
	const knownUrl = (session.answers.url as string | undefined) ?? (session.journal?.steps['connection-test']?.answers.url as string | undefined);
	const parsed = knownUrl ? parseOllamaUrl(knownUrl) : undefined;
	return {
		role,
		url: parsed?.ok ? parsed.url : undefined,
		model: session.answers.model as string | undefined,
		timeoutMs: options['timeout-ms'] ?? DOCTOR_TIMEOUT_MS,
		samples: options.samples ?? 10,
		perf: Boolean(options.perf),
	};
}

export function doctorSummary(records: CheckRecord[], diagnosis: Diagnosis, extra: Record<string, unknown> = {}): Record<string, unknown> {
	const requiredFailed = records.some((r) => r.required && (r.status === 'fail' || r.status === 'crash'));
	return {
		schemaVersion: SCHEMA_VERSION,
		type: 'summary',
		command: 'doctor',
		status: requiredFailed ? 'fail' : records.some((r) => r.status === 'warn' || r.status === 'fail') ? 'warn' : 'ok',
		cause: diagnosis.cause,
		message: diagnosis.message,
		diagnosis,
		checks: records.map((r) => ({id: r.id, layer: r.layer, title: r.title, required: r.required, status: r.status, detail: r.detail, durationMs: r.durationMs, evidence: r.evidence ?? null})),
		findings: records.filter((r) => r.finding).map((r) => ({check: r.id, severity: r.finding?.severity, detail: r.detail, fix: r.finding?.fix, commands: r.finding?.commands ?? []})),
		fixes: diagnosis.fixStep ? [{step: diagnosis.fixStep, how: 'ollama-tunnel-wizard doctor --fix'}] : [],
		...extra,
	};
}

interface LatencyEvidence {
	min: number;
	p50: number;
	p95: number;
}

/** The guide's "Monitor latency", measured: through the tunnel, against 127.0.0.1, and the difference. */
export function perfReport(records: CheckRecord[]): Record<string, unknown> | null {
	const remote = records.find((r) => r.id === 'network.test')?.evidence;
	const local = records.find((r) => r.id === 'perf.local')?.evidence;
	if (!remote && !local) return null;
	const tunnel = (remote?.latencyMs as LatencyEvidence | null | undefined) ?? null;
	const loopback = (local?.latencyMs as LatencyEvidence | null | undefined) ?? null;
	const loadMs = (remote?.loadMs as number | null | undefined) ?? null;
	return {
		tunnelLatencyMs: tunnel,
		localLatencyMs: loopback,
		addedLatencyMs: tunnel && loopback ? Math.round((tunnel.p50 - loopback.p50) * 10) / 10 : null,
		firstTokenMs: (remote?.firstTokenMs as number | null | undefined) ?? null,
		tokensPerSecond: (remote?.tokensPerSecond as number | null | undefined) ?? null,
		loadMs,
		coldLoad: loadMs !== null && loadMs > 1000,
	};
}

export async function flowDoctorFull(session: Session, asker: Asker, options: Options, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<FlowResult> {
	const role = await askRole(session, asker);
	const input = doctorInput(session, options, role);
	const records = await runChecks(checks, session.ctx, input, session.bus);
	const diagnosis = diagnose(records, role);
	session.bus.emit({type: 'diagnosis', cause: diagnosis.cause, layer: diagnosis.layer, message: diagnosis.message, fix: diagnosis.fix, evidence: diagnosis.evidence});
	const perf = input.perf ? perfReport(records) : null;
	if (perf) {
		const t = perf.tunnelLatencyMs as LatencyEvidence | null;
		const l = perf.localLatencyMs as LatencyEvidence | null;
		const parts = [
			t ? `through the tunnel p50 ${t.p50} ms (min ${t.min}, p95 ${t.p95})` : null,
			l ? `on 127.0.0.1 p50 ${l.p50} ms` : null,
			perf.addedLatencyMs !== null ? `the tunnel adds ${String(perf.addedLatencyMs)} ms` : null,
			perf.firstTokenMs !== null ? `first token ${String(perf.firstTokenMs)} ms` : null,
			perf.tokensPerSecond !== null ? `${String(perf.tokensPerSecond)} tokens/s` : null,
			perf.coldLoad ? `the model was loading (${String(perf.loadMs)} ms): keep it loaded with OLLAMA_KEEP_ALIVE` : null,
		].filter(Boolean);
		session.bus.emit({type: 'step:progress', step: 'doctor', check: 'perf', status: 'ok', message: `Performance: ${parts.join('; ') || 'no measurement (pass --url)'}`});
	}
	let summary = doctorSummary(records, diagnosis, perf ? {perf} : {});

	if (options.fix && diagnosis.fixStep) {
		const step = stepById(diagnosis.fixStep);
		if (!step.available) {
			session.bus.emit({type: 'warning', message: `The fix belongs to step ${step.number} (${step.title}), which is not available in this version; do it by hand: ${diagnosis.fix ?? ''}`});
			summary = {...summary, fix: {step: step.id, applied: false, reason: 'step not available'}};
		} else {
			const outcome = await session.runStep(step, options['dry-run'] ? 'dry-run' : 'apply', {confirm: confirmWith(asker, options), force: true});
			const after = await runChecks(checks, session.ctx, input, session.bus);
			const afterDiagnosis = diagnose(after, role);
			const fixed = outcome.applied && outcome.result.status === 'ok' && afterDiagnosis.cause !== diagnosis.cause;
			session.bus.emit({type: 'diagnosis', cause: afterDiagnosis.cause, layer: afterDiagnosis.layer, message: `After the fix: ${afterDiagnosis.message}`, fix: afterDiagnosis.fix, evidence: afterDiagnosis.evidence});
			summary = {...doctorSummary(after, afterDiagnosis), before: {cause: diagnosis.cause, message: diagnosis.message}, fix: {step: step.id, applied: outcome.applied, verified: fixed, result: outcome.result.summary}};
		}
	}
	return {exitCode: summary.status === 'fail' ? EXIT.failed : EXIT.ok, summary};
}
