/**
 * Runs the command for the Ink UI the same way `source/app/flows.ts` does, reusing its helpers
 * (askRole, askUrl, confirmWith, the interviews, flowDoctor/flowRepair), plus what only the UI has:
 * `s` skips the step waiting for an answer, `r` reruns a step. Runs of steps are serialised, so a
 * retry never overlaps the flow. The UI reads the driver's state through subscribe/getSnapshot.
 */
import {CancelledError, EXIT, UsageError} from '../core/exit-codes.js';
import {validateModelName} from '../core/ollama-api.js';
import type {RunMode, StepOutcome} from '../core/runner.js';
import type {CheckResult, Step} from '../core/types.js';
import type {Asker} from '../app/asker.js';
import {askRole, askUrl, confirmWith, flowDoctor, flowRepair} from '../app/flows.js';
import * as interviews from '../app/interviews.js';
import type {Interview} from '../app/interviews.js';
import type {Session} from '../app/session.js';
import type {Command, Options} from '../cli/args.js';
import {connectionTest} from '../steps/connection-test.js';
import {SkipStepError} from './ink-asker.js';

/** What flowSetup runs after a step (e.g. show the connection card), when interviews.ts has it. */
export type AfterStep = (session: Session, asker: Asker, outcome: StepOutcome) => Promise<void>;
const AFTER_STEP = (Reflect.get(interviews, 'AFTER_STEP') as Partial<Record<string, AfterStep>> | undefined) ?? {};

export type DriverPhase = 'idle' | 'running' | 'done' | 'failed' | 'cancelled';

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
}

export class Driver {
	readonly session: Session;
	readonly command: Command;
	readonly options: Options;
	readonly #asker: StepAsker;
	readonly #interviews: Partial<Record<string, Interview>>;
	readonly #afterStep: Partial<Record<string, AfterStep>>;
	#state: DriverState = {phase: 'idle', current: null, busy: false, error: null, retried: false, flowExitCode: null};
	readonly #listeners = new Set<() => void>();
	#tail: Promise<unknown> = Promise.resolve();
	#started: Promise<void> | undefined;

	constructor(init: DriverInit) {
		this.session = init.session;
		this.command = init.command;
		this.options = init.options;
		this.#asker = init.asker;
		this.#interviews = init.interviews ?? interviews.INTERVIEWS;
		this.#afterStep = init.afterStep ?? AFTER_STEP;
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

	#recordSkip(step: Step): void {
		const result: CheckResult = {
			status: 'skipped',
			summary: `Step ${step.number} was skipped (you chose to skip it); nothing was checked or changed.`,
			details: [],
			durationMs: 0,
		};
		this.session.outcomes.set(step.id, {result, applied: false});
		this.session.bus.emit({type: 'step:result', step: step.id, title: step.title, result, applied: false});
	}

	/** Interview (when asked for) then run one step; `s` during its questions records it as skipped. */
	async #doStep(step: Step, mode: RunMode, interview: boolean): Promise<void> {
		this.#set({current: step.id});
		const asker = this.#askerFor(step.id);
		let outcome: StepOutcome;
		try {
			if (interview && step.available) await this.#interviews[step.id]?.(this.session, asker);
			outcome = await this.#exclusive(() => this.session.runStep(step, mode, {confirm: confirmWith(asker, this.options)}));
		} catch (error) {
			if (error instanceof SkipStepError) {
				this.#recordSkip(step);
				return;
			}
			throw error;
		}
		// Like flowSetup: what follows a step (a card to copy, a checklist) for the interactive flows.
		if (interview && step.available) {
			try {
				await this.#afterStep[step.id]?.(this.session, asker, outcome);
			} catch (error) {
				if (!(error instanceof SkipStepError)) throw error; // the step itself has run: keep its result
			}
		}
	}

	async #setup(): Promise<number> {
		await askRole(this.session, this.#askerFor(null));
		for (const step of this.session.stepsForRole()) {
			if (this.session.ctx.signal.aborted) break;
			await this.#doStep(step, this.mode, true);
		}
		return this.session.failed() ? EXIT.failed : EXIT.ok;
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
			this.#recordSkip(step);
			return EXIT.failed;
		}
		if (this.session.answers.model) {
			const m = validateModelName(String(this.session.answers.model));
			if (!m.ok) throw new UsageError(m.problem);
		}
		await this.#doStep(step, 'check', false);
		return this.#testExitCode();
	}

	#testExitCode(): number {
		const status = this.session.outcomes.get(this.#testStep().id)?.result.status;
		return status === 'ok' || status === 'warn' ? EXIT.ok : EXIT.failed;
	}

	async #flow(): Promise<number> {
		switch (this.command) {
			case 'setup':
				return this.#setup();
			case 'test':
				return this.#test();
			case 'doctor':
				return (await this.#exclusive(() => flowDoctor(this.session, this.#askerFor(null), this.options))).exitCode;
			case 'repair':
				return (await this.#exclusive(() => flowRepair(this.session, this.#askerFor(null), this.options))).exitCode;
			default: {
				// Other commands (undo, the client-side ones): the CLI's own dispatch, with the Ink asker.
				const {runFlow} = await import('../cli/main.js');
				return (await this.#exclusive(() => runFlow({command: this.command, options: this.options}, this.session, this.#askerFor(null)))).exitCode;
			}
		}
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
				if (error instanceof CancelledError || this.session.ctx.signal.aborted) {
					this.#set({phase: 'cancelled'});
				} else if (error instanceof UsageError) {
					this.#set({phase: 'failed', error: {message: error.message, hint: error.hint, usage: true}});
				} else {
					const message = (error as Error)?.message ?? String(error);
					this.session.ctx.log.log('error', 'unexpected error in the Ink flow', {error: String((error as Error)?.stack ?? error)});
					this.#set({phase: 'failed', error: {message, usage: false}});
				}
			}
		})();
		return this.#started;
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
			await this.#doStep(step, this.mode, this.mode !== 'check');
		} catch (error) {
			if (error instanceof CancelledError || this.session.ctx.signal.aborted) return null;
			const message = error instanceof UsageError ? `${error.message}${error.hint ? ` ${error.hint}` : ''}` : `Retrying step ${step.number} failed: ${(error as Error)?.message ?? String(error)}`;
			this.session.bus.emit({type: 'warning', message});
		}
		return null;
	}

	/** The process exit code for the current state (0 ok, 1 a step failed, 2 usage error, 130 cancelled). */
	exitCode(): number {
		const s = this.#state;
		if (s.phase === 'cancelled' || this.session.ctx.signal.aborted) return EXIT.cancelled;
		if (s.error) return s.error.usage ? EXIT.usage : EXIT.failed;
		const flow = s.flowExitCode ?? EXIT.failed;
		if (!s.retried) return flow;
		// After a retry the outcomes decide: a fixed step can turn 1 into 0 (setup, test).
		if (this.command === 'test') return this.#testExitCode();
		if (this.command === 'setup') return this.session.failed() ? EXIT.failed : EXIT.ok;
		return Math.max(flow, this.session.failed() ? EXIT.failed : EXIT.ok);
	}
}
