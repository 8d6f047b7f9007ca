/**
 * The headless controller: runs the command the same way `source/app/flows.ts` does, through its functions
 * (runSetupStep for each setup step, askUrl, the doctor's runDoctorChecks/applyDoctorFix, runFlow
 * for the rest), plus what only the UI has: `s` skips the step waiting for an answer, `r` reruns a
 * step, `f` lets the doctor fix what it found; after a failed setup step it waits for the user's
 * choice (answerFailure). Runs of steps are serialised, so a retry never overlaps the flow. Views read
 * the controller's state through subscribe/getSnapshot; no React, Ink or prompt library here.
 */
import {CancelledError, EXIT, exitCodeFor, UsageError} from '../core/exit-codes.js';
import {validateModelName} from '../core/ollama-api.js';
import type {RunMode, StepOutcome} from '../core/runner.js';
import type {CheckResult, Step} from '../core/types.js';
import {SkipStepError, type Asker} from './asker.js';
import {askRole, askUrl, flowRepair, recordSkippedStep, runFlow, runSetupStep, stepsSummary, testSummary, type AfterStep} from './flows.js';
import type {ConnectionReport} from '../core/connection-test.js';
import type {Interview} from './interviews.js';
import type {Session} from './session.js';
import type {Command, Options} from '../cli/args.js';
import type {DoctorReport} from './doctor-flow.js';
import type {DoctorCheck} from '../doctor/types.js';
import {connectionTest} from '../steps/connection-test.js';

export type {AfterStep};

export type DriverPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

/** What the user chose at a failed step of the setup: run it again, go on with the next step, or stop the setup there. */
export type FailureChoice = 'retry' | 'continue' | 'quit';

/** What `f` did: the owning step's outcome and whether the doctor re-check confirmed it. */
export interface DoctorFixView {
	stepId: string;
	number: number;
	title: string;
	/** false: that step is not available in this version; nothing ran. */
	available: boolean;
	applied: boolean;
	/** Only true when the re-check no longer finds the cause (never claimed otherwise). */
	verified: boolean;
	/** The step's own result line. */
	result: string | null;
	stepStatus: CheckResult['status'] | null;
	/** The fix stopped with an unexpected error. */
	error: string | null;
}

/** The doctor command's progress: checks → diagnosis (→ `f`: fix → re-check). */
export interface DoctorView {
	stage: 'checking' | 'done' | 'fixing' | 'rechecking';
	/** The latest finished run (after a fix: the re-check). */
	report: DoctorReport | null;
	/** The run before the last fix (for before/after), null when no fix ran. */
	before: DoctorReport | null;
	fix: DoctorFixView | null;
}

export interface DriverState {
	phase: DriverPhase;
	/** The step the flow (or a retry) is working on: asking for it or running it. */
	current: string | null;
	/** A step is running (check/apply); retries wait for it. */
	busy: boolean;
	/** The flow stopped with an error: a usage error (exit 2) or an unexpected one (exit 1). */
	error: {message: string; hint?: string; usage: boolean} | null;
	/** A retry happened, so exit codes are recomputed from the outcomes. */
	retried: boolean;
	/** The flow's own exit code (before retries). */
	flowExitCode: number | null;
	/** `doctor` only. */
	doctor: DoctorView | null;
	/** The setup stopped at this failed step and waits for the user's choice (answerFailure). */
	failure: {stepId: string} | null;
}

/** An asker that can tag questions with the step they belong to (the Ink asker can). */
export interface StepAsker extends Asker {
	forStep?(stepId: string | null): Asker;
}

export interface DriverInit {
	session: Session;
	command: Command;
	options: Options;
	asker: StepAsker;
	/** What each step asks before it runs (default: source/app/interviews.ts, as flowSetup uses). */
	interviews?: Partial<Record<string, Interview>>;
	/** What follows a step in setup (default: interviews.ts AFTER_STEP). */
	afterStep?: Partial<Record<string, AfterStep>>;
	/** The doctor's checks (default: source/doctor/checks.ts DOCTOR_CHECKS). */
	doctorChecks?: readonly DoctorCheck[];
	/**
	 * true (default): `doctor` runs for a live screen (the diagnosis waits for `f` and `r`, --fix runs
	 * `f`); false: as the line views show it (flowDoctor: the checks, the diagnosis, then --fix).
	 */
	liveDoctor?: boolean;
}

export class Driver {
	readonly session: Session;
	readonly command: Command;
	readonly options: Options;
	readonly #asker: StepAsker;
	readonly #interviews: Partial<Record<string, Interview>> | undefined;
	readonly #afterStep: Partial<Record<string, AfterStep>> | undefined;
	readonly #doctorChecks: readonly DoctorCheck[] | undefined;
	readonly #liveDoctor: boolean;
	/** The summary the flow returned (doctor, repair and the commands run by runFlow). */
	#summary: Record<string, unknown> | null = null;
	#state: DriverState = {phase: 'idle', current: null, busy: false, error: null, retried: false, flowExitCode: null, doctor: null, failure: null};
	#failureChoice: ((choice: FailureChoice) => void) | null = null;
	readonly #listeners = new Set<() => void>();
	#tail: Promise<unknown> = Promise.resolve();
	#started: Promise<void> | undefined;
	#thrown: unknown = null;

	constructor(init: DriverInit) {
		this.session = init.session;
		this.command = init.command;
		this.options = init.options;
		this.#asker = init.asker;
		this.#interviews = init.interviews;
		this.#afterStep = init.afterStep;
		this.#doctorChecks = init.doctorChecks;
		this.#liveDoctor = init.liveDoctor ?? true;
	}

	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	readonly getSnapshot = (): DriverState => this.#state;

	#set(patch: Partial<DriverState>): void {
		this.#state = {...this.#state, ...patch};
		for (const l of this.#listeners) l();
	}

	#askerFor(stepId: string | null): Asker {
		return this.#asker.forStep ? this.#asker.forStep(stepId) : this.#asker;
	}

	/** How steps run: `test` and `doctor` only check; `setup` and `repair` apply (or plan with --dry-run). */
	get mode(): RunMode {
		if (this.command === 'test' || this.command === 'doctor') return 'check';
		return this.options['dry-run'] ? 'dry-run' : 'apply';
	}

	/** One step run at a time: the flow and retries queue behind each other. */
	#exclusive<T>(fn: () => Promise<T>): Promise<T> {
		const run = this.#tail.then(async () => {
			this.#set({busy: true});
			try {
				return await fn();
			} finally {
				this.#set({busy: false});
			}
		});
		this.#tail = run.catch(() => undefined);
		return run;
	}

	/** Interview (when asked for) then run one step, as flowSetup does; `s` during its questions records it as skipped. */
	async #doStep(step: Step, mode: RunMode, interview: boolean, again = false): Promise<StepOutcome> {
		this.#set({current: step.id});
		return runSetupStep(this.session, this.#askerFor(step.id), step, mode, this.options, {
			interviews: this.#interviews,
			afterStep: this.#afterStep,
			interview,
			around: (run) => this.#exclusive(run),
			// A retry asks the step's questions again, the previous answers as defaults: other answers can fix it.
			again,
		});
	}

	async #setup(): Promise<number> {
		await askRole(this.session, this.#askerFor(null));
		for (const step of this.session.stepsForRole()) {
			if (this.session.ctx.signal.aborted) break;
			await this.#doStep(step, this.mode, true);
			if ((await this.#afterFailure(step)) === 'quit') break;
		}
		return exitCodeFor({failed: this.session.failed()});
	}

	/** The setup stops at a failed step (not in a dry run, and only when someone can answer: the asker is interactive, --yes or not). */
	get pausesOnFailure(): boolean {
		return this.command === 'setup' && this.mode === 'apply' && this.#asker.interactive;
	}

	/**
	 * After a step of the setup ended in fail/crash: wait for the user (answerFailure). `retry` runs the
	 * step again (as `r` does) and waits again while it still fails; `continue` goes on with the next
	 * step; `quit` ends the setup there (a cancel ends the wait too).
	 */
	async #afterFailure(step: Step): Promise<'continue' | 'quit'> {
		if (!this.pausesOnFailure) return 'continue';
		const signal = this.session.ctx.signal;
		for (;;) {
			const status = this.session.outcomes.get(step.id)?.result.status;
			if (status !== 'fail' && status !== 'crash') return 'continue';
			if (signal.aborted) return 'quit';
			const choice = await new Promise<FailureChoice>((resolve) => {
				const onAbort = () => resolve('quit');
				signal.addEventListener('abort', onAbort, {once: true});
				this.#failureChoice = (c) => {
					signal.removeEventListener('abort', onAbort);
					resolve(c);
				};
				this.#set({current: step.id, failure: {stepId: step.id}});
			});
			this.#failureChoice = null;
			this.#set({failure: null});
			if (choice !== 'retry') return choice;
			const refused = await this.retry(step.id);
			if (refused) this.session.bus.emit({type: 'warning', message: refused});
		}
	}

	/** The user's choice at the failed step the setup waits at; false when it waits at none. */
	answerFailure(choice: FailureChoice): boolean {
		const answer = this.#failureChoice;
		if (!answer) return false;
		this.#failureChoice = null;
		answer(choice);
		return true;
	}

	#testStep(): Step {
		return this.session.steps.find((s) => s.id === 'connection-test') ?? connectionTest;
	}

	async #test(): Promise<number> {
		const step = this.#testStep();
		this.#set({current: step.id});
		try {
			await askUrl(this.session, this.#askerFor(step.id));
		} catch (error) {
			if (!(error instanceof SkipStepError)) throw error;
			recordSkippedStep(this.session, step);
			return exitCodeFor({failed: true});
		}
		if (this.session.answers.model) {
			const m = validateModelName(String(this.session.answers.model));
			if (!m.ok) throw new UsageError(m.problem);
		}
		await this.#doStep(step, 'check', false);
		return exitCodeFor({failed: this.#testFailed()});
	}

	#testFailed(): boolean {
		const status = this.session.outcomes.get(this.#testStep().id)?.result.status;
		return status !== 'ok' && status !== 'warn';
	}

	async #flow(): Promise<number> {
		switch (this.command) {
			case 'setup':
				return this.#setup();
			case 'test':
				return this.#test();
			case 'doctor':
				if (this.#liveDoctor) return this.#doctor();
				return this.#runFlow();
			case 'repair': {
				const result = await this.#exclusive(() => flowRepair(this.session, this.#askerFor(null), this.options));
				this.#summary = result.summary;
				return result.exitCode;
			}
			default:
				return this.#runFlow();
		}
	}

	/** Other commands (undo, the client-side ones; doctor for the line views): the flows' own dispatch. */
	async #runFlow(): Promise<number> {
		const result = await this.#exclusive(() => runFlow({command: this.command, options: this.options}, this.session, this.#askerFor(null)));
		this.#summary = result.summary;
		return result.exitCode;
	}

	/**
	 * The end summary of the command as it stands now (after retries and fixes): the NDJSON summary
	 * line's object. Every view renders this one object (the Ink end line, the plain end lines, --json).
	 */
	summary(): Record<string, unknown> {
		switch (this.command) {
			case 'setup':
				return stepsSummary(this.session, 'setup');
			case 'test': {
				const outcome = this.session.outcomes.get(this.#testStep().id);
				const report = outcome?.result.data?.report as ConnectionReport | undefined;
				const url = this.session.answers.url;
				return testSummary(report, {status: outcome?.result.status ?? 'skipped', message: outcome?.result.summary ?? 'not run', url: url === undefined ? undefined : String(url)});
			}
			default:
				return this.#summary ?? {};
		}
	}

	// --- doctor -------------------------------------------------------------------------------------

	#setDoctor(patch: Partial<DoctorView>): void {
		const base: DoctorView = this.#state.doctor ?? {stage: 'checking', report: null, before: null, fix: null};
		this.#set({doctor: {...base, ...patch}});
	}

	/** The checks, live; then the diagnosis. With --fix the owning step runs right away (as `f`). */
	async #doctor(): Promise<number> {
		const {doctorInput, runDoctorChecks} = await import('./doctor-flow.js');
		const role = await askRole(this.session, this.#askerFor(null));
		const input = doctorInput(this.session, this.options, role);
		this.#setDoctor({stage: 'checking'});
		const report = await this.#exclusive(() => runDoctorChecks(this.session, input, this.#doctorChecks));
		this.#summary = report.summary;
		this.#setDoctor({stage: 'done', report});
		if (this.options.fix && report.diagnosis.fixStep) await this.fixDoctor();
		return this.#state.doctor?.report?.exitCode ?? report.exitCode;
	}

	/** Why `f` cannot run a fix now, or null when it can. */
	cannotFix(): string | null {
		if (this.command !== 'doctor') return null;
		const d = this.#state.doctor;
		if (this.session.ctx.signal.aborted) return 'The run was cancelled.';
		if (!d?.report || d.stage !== 'done' || this.#state.busy) return 'The checks are still running; f works once the diagnosis is shown.';
		if (!d.report.diagnosis.fixStep) return d.report.diagnosis.cause ? 'The wizard cannot fix this itself: do what the Fix line says.' : 'Nothing to fix: every required check passed.';
		const step = this.session.steps.find((s) => s.id === d.report?.diagnosis.fixStep);
		if (step && !step.available) return `The fix belongs to step ${step.number} (${step.title}), which is not available in this version: do what the Fix line says.`;
		if (step && this.session.role && !step.roles.includes(this.session.role)) return `The fix is step ${step.number} (${step.title}), which runs on the other machine: run \`ollama-tunnel-wizard doctor --role ${step.roles[0]} --fix\` there.`;
		return null;
	}

	/** `f`: the owning step's plan → confirm → apply → the doctor checks again; before/after in the state. */
	async fixDoctor(): Promise<string | null> {
		const refused = this.cannotFix();
		if (refused) return refused;
		const before = this.#state.doctor?.report as DoctorReport;
		const fixStep = before.diagnosis.fixStep as string;
		const step = this.session.steps.find((s) => s.id === fixStep);
		const {applyDoctorFix} = await import('./doctor-flow.js');
		this.#set({current: fixStep});
		this.#setDoctor({stage: 'fixing', before, fix: null});
		const rechecking = this.session.bus.on((event) => {
			if (event.type === 'check:start' && this.#state.doctor?.stage === 'fixing') this.#setDoctor({stage: 'rechecking'});
		});
		try {
			const fix = await this.#exclusive(() => applyDoctorFix(this.session, this.#askerFor(fixStep), this.options, before, this.#doctorChecks, {...(this.#interviews ? {interviews: this.#interviews} : {}), ...(this.#afterStep ? {afterStep: this.#afterStep} : {})}));
			if (!fix) {
				this.#setDoctor({stage: 'done', before: null});
				return null;
			}
			const view: DoctorFixView = {
				stepId: fix.step.id,
				number: fix.step.number,
				title: fix.step.title,
				available: fix.available,
				applied: fix.applied,
				verified: fix.verified,
				result: fix.result,
				stepStatus: fix.stepStatus,
				error: null,
			};
			this.#summary = fix.summary;
			this.#setDoctor({stage: 'done', report: fix.after ?? before, before: fix.after ? before : null, fix: view});
		} catch (error) {
			if (error instanceof CancelledError || this.session.ctx.signal.aborted) return null;
			const message = error instanceof UsageError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : (error as Error)?.message ?? String(error);
			this.session.ctx.log.log('error', 'the doctor fix failed', {error: String((error as Error)?.stack ?? error)});
			const view: DoctorFixView = {stepId: fixStep, number: step?.number ?? 0, title: step?.title ?? fixStep, available: true, applied: false, verified: false, result: null, stepStatus: null, error: message};
			this.#setDoctor({stage: 'done', before: null, fix: view});
		} finally {
			rechecking();
		}
		return null;
	}

	/** `r` in doctor: run every check again (after fixing something by hand). */
	async recheckDoctor(): Promise<string | null> {
		const d = this.#state.doctor;
		if (this.session.ctx.signal.aborted) return 'The run was cancelled.';
		if (!d?.report || d.stage !== 'done' || this.#state.busy) return 'The checks are still running.';
		const {runDoctorChecks} = await import('./doctor-flow.js');
		this.#setDoctor({stage: 'checking'});
		try {
			const report = await this.#exclusive(() => runDoctorChecks(this.session, d.report!.input, this.#doctorChecks));
			this.#summary = report.summary;
			this.#setDoctor({stage: 'done', report, before: null, fix: null});
		} catch (error) {
			this.#setDoctor({stage: 'done'});
			if (error instanceof CancelledError || this.session.ctx.signal.aborted) return null;
			return `Checking again failed: ${(error as Error)?.message ?? String(error)}`;
		}
		return null;
	}

	/** Runs the command once; never rejects (errors become the `failed`/`cancelled` phase). */
	start(): Promise<void> {
		this.#started ??= (async () => {
			this.#set({phase: 'running'});
			try {
				const code = await this.#flow();
				if (this.session.ctx.signal.aborted) this.#set({phase: 'cancelled'});
				else this.#set({phase: 'done', flowExitCode: code});
			} catch (error) {
				this.#thrown = error;
				if (error instanceof CancelledError || this.session.ctx.signal.aborted) {
					this.#set({phase: 'cancelled'});
				} else if (error instanceof UsageError) {
					this.#set({phase: 'failed', error: {message: error.message, hint: error.hint, usage: true}});
				} else {
					const message = (error as Error)?.message ?? String(error);
					this.session.ctx.log.log('error', 'unexpected error in the flow', {error: String((error as Error)?.stack ?? error)});
					this.#set({phase: 'failed', error: {message, usage: false}});
				}
			}
		})();
		return this.#started;
	}

	/** The error the command stopped with (null when it did not): the line views report it as flows' errors are. */
	get thrown(): unknown {
		return this.#thrown;
	}

	/** Why `r` cannot rerun this step now, or null when it can. */
	cannotRetry(stepId: string): string | null {
		const step = this.session.steps.find((s) => s.id === stepId);
		if (!step) return `Unknown step ${stepId}.`;
		if (this.#state.busy) return 'A step is running; press r again when it has finished.';
		if (this.#state.phase === 'running' && !this.session.outcomes.has(step.id)) return `Step ${step.number} has not run yet; the wizard gets to it in order.`;
		if (this.session.ctx.signal.aborted) return 'The run was cancelled.';
		if (this.command === 'test' && step.id !== this.#testStep().id) return `The test command only runs step ${this.#testStep().number}.`;
		if (this.session.role && !step.roles.includes(this.session.role)) return `Step ${step.number} runs on the other machine, not on this ${this.session.role}.`;
		return null;
	}

	/** `r`: check the step again (apply it again for setup/repair), then show the new result. */
	async retry(stepId: string): Promise<string | null> {
		const refused = this.cannotRetry(stepId);
		if (refused) return refused;
		const step = this.session.steps.find((s) => s.id === stepId) as Step;
		this.#set({retried: true});
		try {
			await this.#doStep(step, this.mode, this.mode !== 'check', this.mode !== 'check');
		} catch (error) {
			if (error instanceof CancelledError || this.session.ctx.signal.aborted) return null;
			const message = error instanceof UsageError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : `Retrying step ${step.number} failed: ${(error as Error)?.message ?? String(error)}`;
			this.session.bus.emit({type: 'warning', message});
		}
		return null;
	}

	/** The process exit code for the current state, by exitCodeFor (0 ok, 1 a step failed, 2 usage error, 130 cancelled). */
	exitCode(): number {
		const s = this.#state;
		const cancelled = s.phase === 'cancelled' || this.session.ctx.signal.aborted;
		const error = s.error ? (this.#thrown ?? (s.error.usage ? new UsageError(s.error.message, s.error.hint) : new Error(s.error.message))) : undefined;
		return exitCodeFor({cancelled, failed: this.#failed(), ...(error === undefined ? {} : {error})});
	}

	/** Whether the command failed (a step, the test, a required check of the doctor's latest run). */
	#failed(): boolean {
		const s = this.#state;
		// The doctor's latest run decides (after `f` or `r`: the re-check).
		if (this.command === 'doctor' && s.doctor?.report) return s.doctor.report.exitCode !== EXIT.ok;
		const flowFailed = s.flowExitCode !== EXIT.ok;
		if (!s.retried) return flowFailed;
		// After a retry the outcomes decide: a fixed step can turn 1 into 0 (setup, test).
		if (this.command === 'test') return this.#testFailed();
		if (this.command === 'setup') return this.session.failed();
		return flowFailed || this.session.failed();
	}
}
