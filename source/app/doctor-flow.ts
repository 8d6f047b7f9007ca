/**
 * `doctor`: every applicable check at once, live; one diagnosis sentence with its evidence;
 * with --fix (or `f` in the UI) the owning step's plan → confirm → apply → re-check, reported
 * before/after. Never claims fixed without the re-check passing.
 */
import {SCHEMA_VERSION} from '../core/events.js';
import {exitCodeFor} from '../core/exit-codes.js';
import {parseOllamaUrl} from '../core/url.js';
import type {CheckResult, Role, Step, StepId} from '../core/types.js';
import {DOCTOR_CHECKS} from '../doctor/checks.js';
import {diagnose, type Diagnosis} from '../doctor/diagnose.js';
import {runChecks} from '../doctor/run.js';
import {Memo, type CheckRecord, type DoctorCheck, type DoctorInput} from '../doctor/types.js';
import {readAilice} from '../doctor/ailice.js';
import type {Options} from '../cli/args.js';
import {stepById} from '../steps/index.js';
import type {Asker} from './asker.js';
import {askRole, confirmWith, runSetupStep, type FlowResult, type SetupStepHooks} from './flows.js';
import type {StepOutcome} from '../core/runner.js';
import type {Session} from './session.js';

export const DOCTOR_TIMEOUT_MS = 5000;

export function doctorInput(session: Session, options: Options, role: Role): DoctorInput {
	const knownUrl = (session.answers.url as string | undefined) ?? (session.journal?.steps['connection-test']?.answers.url as string | undefined);
	const parsed = knownUrl ? parseOllamaUrl(knownUrl) : undefined;
	return {
		role,
		url: parsed?.ok ? parsed.url : undefined,
		model: session.answers.model as string | undefined,
		alias: (session.answers.alias as string | undefined) ?? (session.journal?.steps['client-address']?.answers.alias as string | undefined),
		ailiceConfig: session.answers.ailiceConfig as string | undefined,
		ollamaHere: Boolean(session.answers.ollamaOnThisMachine ?? session.journal?.steps['ailice-config']?.answers.ollamaOnThisMachine),
		serviceKeyFile: (session.answers.serviceKeyFile as string | undefined) ?? (session.journal?.steps['ailice-config']?.answers.serviceKeyFile as string | undefined) ?? (session.journal?.steps['service-account']?.answers.serviceKeyFile as string | undefined),
		dockerProbe: (session.answers.dockerProbe as string | undefined) ?? (session.journal?.steps['ollama-remote-access']?.answers.dockerProbe as string | undefined),
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

/** Latency, measured: through the tunnel, against 127.0.0.1, and the difference. */
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

/** One doctor run: the checks (live, as events), the diagnosis, the perf report and the summary. */
export interface DoctorReport {
	input: DoctorInput;
	records: CheckRecord[];
	diagnosis: Diagnosis;
	/** --perf only (perfReport's shape), else null. */
	perf: Record<string, unknown> | null;
	/** The NDJSON summary of this run. */
	summary: Record<string, unknown>;
	/** 1 when a required check failed or crashed, else 0. */
	exitCode: number;
}

/** The one-line performance text (the plain view's line and the UI's pane share it). */
export function perfLines(perf: Record<string, unknown>): string[] {
	const t = perf.tunnelLatencyMs as LatencyEvidence | null;
	const l = perf.localLatencyMs as LatencyEvidence | null;
	return [
		t ? `through the tunnel p50 ${t.p50} ms (min ${t.min}, p95 ${t.p95})` : null,
		l ? `on 127.0.0.1 p50 ${l.p50} ms` : null,
		perf.addedLatencyMs !== null && perf.addedLatencyMs !== undefined ? `the tunnel adds ${String(perf.addedLatencyMs)} ms` : null,
		perf.firstTokenMs !== null && perf.firstTokenMs !== undefined ? `first token ${String(perf.firstTokenMs)} ms` : null,
		perf.tokensPerSecond !== null && perf.tokensPerSecond !== undefined ? `${String(perf.tokensPerSecond)} tokens/s` : null,
		perf.coldLoad ? `the model was loading (${String(perf.loadMs)} ms): keep it loaded with OLLAMA_KEEP_ALIVE` : null,
	].filter((x): x is string => x !== null);
}

/**
 * On the AIlice side with no --url: test what AIlice will use — the baseURL and model in its
 * config.json — or, failing that, the Resource alias on port 11434.
 */
export async function completeInput(session: Session, input: DoctorInput, memo = new Memo()): Promise<DoctorInput> {
	if (input.url || input.role !== 'client') return input;
	const a = await readAilice(session.ctx, memo, input.ailiceConfig).catch(() => null);
	const fromConfig = a?.baseURL ? parseOllamaUrl(a.baseURL) : null;
	if (fromConfig?.ok) return {...input, url: fromConfig.url, model: input.model ?? a?.selected ?? a?.models[0]};
	if (input.alias) {
		const fromAlias = parseOllamaUrl(`http://${input.alias}:11434`);
		if (fromAlias.ok) return {...input, url: fromAlias.url};
	}
	return input;
}

/** Runs every applicable check at once, emits the diagnosis (and the perf line with --perf). */
export async function runDoctorChecks(session: Session, given: DoctorInput, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<DoctorReport> {
	// One memo for the run: the config read to find the URL is the one the AIlice checks judge.
	const memo = new Memo();
	const input = await completeInput(session, given, memo);
	const records = await runChecks(checks, session.ctx, input, session.bus, memo);
	const diagnosis = diagnose(records, input.role);
	session.bus.emit({type: 'diagnosis', cause: diagnosis.cause, layer: diagnosis.layer, message: diagnosis.message, fix: diagnosis.fix, evidence: diagnosis.evidence});
	const perf = input.perf ? perfReport(records) : null;
	if (perf) {
		session.bus.emit({type: 'step:progress', step: 'doctor', check: 'perf', status: 'ok', message: `Performance: ${perfLines(perf).join('; ') || 'no measurement (pass --url)'}`});
	}
	const summary = doctorSummary(records, diagnosis, perf ? {perf} : {});
	return {input, records, diagnosis, perf, summary, exitCode: exitCodeFor({failed: summary.status === 'fail'})};
}

/** The outcome of `f` / --fix: what ran, and the re-check. `verified` only when the re-check passed. */
export interface DoctorFixResult {
	step: Step;
	/** false: the owning step is not available in this version (nothing ran). */
	available: boolean;
	applied: boolean;
	/** The step applied, its own check passed, and the doctor re-check no longer finds the cause. */
	verified: boolean;
	/** The step's own result line. */
	result: string | null;
	stepStatus: CheckResult['status'] | null;
	/** The doctor re-check after the fix (null when nothing ran). */
	after: DoctorReport | null;
	/** The NDJSON summary with before/after. */
	summary: Record<string, unknown>;
}

/** The step that owns a fix: the session's own step list first (tests use fakes), else the real one. */
export function fixStepOf(session: Session, id: StepId): Step {
	return session.steps.find((s) => s.id === id) ?? stepById(id);
}

/** What the fix's step asks and what follows it (default: interviews.ts INTERVIEWS / AFTER_STEP; tests use fakes). */
export type DoctorFixHooks = Pick<SetupStepHooks, 'interviews' | 'afterStep'>;

/**
 * Runs the step that owns the fix with the answers given when it last ran (journal), under any flag
 * given now (as repair does). With a person at the terminal the step is run as the guided setup runs
 * it: a step that never ran here asks its questions (what no flag says: on a fresh machine, the
 * model), and a step that fails before changing anything asks them again with the previous answers
 * (the journal's and the doctor's) as defaults (Enter keeps one, typing changes it).
 * The doctor's --model names the model its checks test: for the step it is such a default, not a
 * fixed answer (a model the server does not list would otherwise fail every time). Without a
 * terminal (--fix --yes in a script) the step runs on the answers alone.
 */
async function runFixStep(session: Session, asker: Asker, options: Options, step: Step, hooks: DoctorFixHooks): Promise<StepOutcome> {
	const mode = options['dry-run'] ? 'dry-run' : 'apply';
	const given = Object.fromEntries(Object.entries(session.answers).filter(([, v]) => v !== undefined));
	const entry = session.journal?.steps[step.id];
	const journal = entry?.answers ?? {};
	session.answers = {...journal, ...given};
	if (!asker.interactive) return session.runStep(step, mode, {confirm: confirmWith(asker, options), force: true});
	const hooksFor = {...(hooks.interviews ? {interviews: hooks.interviews} : {}), ...(hooks.afterStep ? {afterStep: hooks.afterStep} : {}), force: true};
	// The step ran before (journal): its answers are whole, the step's own defaults filled the rest.
	// It never ran here: its questions ask what the flags do not say.
	const outcome = await runSetupStep(session, asker, step, mode, options, {...hooksFor, interview: !entry});
	const status = outcome.result.status;
	// Applied and still failing: the re-check reports it (f tries again). Failed before any change (the
	// answers could not make a plan: a model the server does not list): ask again.
	if (mode !== 'apply' || outcome.applied || (status !== 'fail' && status !== 'crash') || session.ctx.signal.aborted) return outcome;
	session.bus.emit({type: 'warning', message: `Step ${step.number} still fails with the answers given before: its questions follow, with those answers as defaults.`});
	const previous = {...journal, ...given, ...(session.interviewed.get(step.id) ?? {})};
	if (given.model !== undefined) delete session.answers.model;
	return runSetupStep(session, asker, step, mode, options, {...hooksFor, again: {previous}});
}

/**
 * The owning step's plan → confirm (through `asker`) → apply → the doctor checks again. Never reports
 * fixed unless the re-check passed. Returns null when the diagnosis offers no fix.
 */
export async function applyDoctorFix(
	session: Session,
	asker: Asker,
	options: Options,
	before: DoctorReport,
	checks: readonly DoctorCheck[] = DOCTOR_CHECKS,
	hooks: DoctorFixHooks = {},
): Promise<DoctorFixResult | null> {
	const diagnosis = before.diagnosis;
	if (!diagnosis.fixStep) return null;
	const step = fixStepOf(session, diagnosis.fixStep);
	// The fix belongs to the other machine (e.g. Ollama's bind, seen from the AIlice side): say where to run it.
	if (!step.roles.includes(before.input.role)) {
		const other = step.roles[0] === 'server' ? 'the Ollama host' : 'the AIlice side';
		session.bus.emit({
			type: 'warning',
			message: `The fix is step ${step.number} (${step.title}), which runs on ${other}: run \`ollama-tunnel-wizard doctor --role ${step.roles[0]} --fix\` there. Nothing was changed here.`,
		});
		return {step, available: false, applied: false, verified: false, result: null, stepStatus: null, after: null, summary: {...before.summary, fix: {step: step.id, applied: false, reason: `runs on ${other}`}}};
	}
	if (!step.available) {
		session.bus.emit({type: 'warning', message: `The fix belongs to step ${step.number} (${step.title}), which is not available in this version; do it by hand: ${diagnosis.fix ?? ''}`});
		return {step, available: false, applied: false, verified: false, result: null, stepStatus: null, after: null, summary: {...before.summary, fix: {step: step.id, applied: false, reason: 'step not available'}}};
	}
	const outcome = await runFixStep(session, asker, options, step, hooks);
	const records = await runChecks(checks, session.ctx, before.input, session.bus);
	const afterDiagnosis = diagnose(records, before.input.role);
	const fixed = outcome.applied && outcome.result.status === 'ok' && afterDiagnosis.cause !== diagnosis.cause;
	session.bus.emit({type: 'diagnosis', cause: afterDiagnosis.cause, layer: afterDiagnosis.layer, message: `After the fix: ${afterDiagnosis.message}`, fix: afterDiagnosis.fix, evidence: afterDiagnosis.evidence});
	const afterSummary = doctorSummary(records, afterDiagnosis);
	const summary = {...afterSummary, before: {cause: diagnosis.cause, message: diagnosis.message}, fix: {step: step.id, applied: outcome.applied, verified: fixed, result: outcome.result.summary}};
	const after: DoctorReport = {input: before.input, records, diagnosis: afterDiagnosis, perf: null, summary: afterSummary, exitCode: exitCodeFor({failed: afterSummary.status === 'fail'})};
	return {step, available: true, applied: outcome.applied, verified: fixed, result: outcome.result.summary, stepStatus: outcome.result.status, after, summary};
}

export async function flowDoctorFull(session: Session, asker: Asker, options: Options, checks: readonly DoctorCheck[] = DOCTOR_CHECKS): Promise<FlowResult> {
	const role = await askRole(session, asker);
	const report = await runDoctorChecks(session, doctorInput(session, options, role), checks);
	let summary = report.summary;
	if (options.fix && report.diagnosis.cause && !report.diagnosis.fixStep) {
		session.bus.emit({type: 'warning', message: `The wizard has no automatic fix for this; do it by hand: ${report.diagnosis.fix ?? report.diagnosis.message}`});
	}
	if (options.fix && report.diagnosis.fixStep) {
		const fix = await applyDoctorFix(session, asker, options, report, checks);
		if (fix) summary = fix.summary;
	}
	return {exitCode: exitCodeFor({failed: summary.status === 'fail'}), summary};
}
