/**
 * A wizard session: the answers, the journal and the outcome of each step, shared by every view.
 * Views decide how to ask and show; the session decides what runs and records it.
 */
import type {Ctx} from '../core/context.js';
import {EventBus} from '../core/events.js';
import {randomBytes} from 'node:crypto';
import path from 'node:path';
import {loadJournal, mergeJournal, saveJournal, type Journal, type JournalRun} from '../core/journal.js';
import {acquireLock, withLock, type Release} from '../core/lock.js';
import {wizardPaths} from '../core/paths.js';
import {runStep, type RunMode, type StepOutcome} from '../core/runner.js';
import type {Answers, Plan, Role, Step, StepId} from '../core/types.js';
import {STEPS} from '../steps/index.js';

export interface SessionInit {
	ctx: Ctx;
	answers: Answers;
	role?: Role;
	/** Do not read or write the journal (e.g. `test`, which records nothing). */
	ephemeral?: boolean;
	steps?: readonly Step[];
	bus?: EventBus;
	/**
	 * Hold the state folder's lock for the whole run (commands that change things, not --dry-run):
	 * a second run waits briefly, then stops naming the process that holds it.
	 */
	lock?: boolean;
	/** The command, recorded with the run and in the lock (for the other run's message). */
	command?: string;
}

export class Session {
	readonly ctx: Ctx;
	readonly bus: EventBus;
	readonly steps: readonly Step[];
	answers: Answers;
	role: Role | undefined;
	journal: Journal | null = null;
	journalPath: string;
	journalProblem: string | undefined;
	readonly outcomes = new Map<StepId, StepOutcome>();
	/** Answers given as flags when the run started: never asked again, not even on a retry. */
	readonly given: ReadonlySet<string>;
	/** Per step, the answers its questions gave (memory only): a retry asks them again with these as defaults. */
	readonly interviewed = new Map<string, Record<string, unknown>>();
	readonly run: JournalRun;
	readonly ephemeral: boolean;
	readonly #lock: boolean;
	readonly #command: string;
	#release: Release | null = null;
	/** Steps this run recorded, and runs it changed (its own; an undone one): only these are merged on save. */
	readonly #stepsRecorded = new Set<string>();
	readonly #runsTouched = new Set<string>();

	constructor(init: SessionInit) {
		this.ctx = init.ctx;
		this.bus = init.bus ?? new EventBus();
		this.steps = init.steps ?? STEPS;
		this.answers = init.answers;
		this.given = new Set(Object.entries(init.answers).filter(([, v]) => v !== undefined).map(([k]) => k));
		this.role = init.role;
		this.ephemeral = Boolean(init.ephemeral);
		this.journalPath = wizardPaths(init.ctx.env).journal;
		this.#lock = Boolean(init.lock) && !init.ctx.dryRun && !this.ephemeral;
		this.#command = init.command ?? 'setup';
		// Time first (ids sort by start), then random: two runs started in the same millisecond never share an id.
		this.run = {id: `${init.ctx.clock.now().toString(36)}${randomBytes(3).readUIntBE(0, 3).toString(36).padStart(5, '0')}`, at: new Date(init.ctx.clock.now()).toISOString(), command: init.command, files: [], commands: [], undone: false};
		this.#runsTouched.add(this.run.id);
	}

	/** The lock's target: a name inside the state folder (the lock itself is `state.lock` there). */
	get lockTarget(): string {
		return path.join(path.dirname(this.journalPath), 'state');
	}

	async open(): Promise<void> {
		if (this.ephemeral) return;
		if (this.#lock) this.#release = await acquireLock(this.lockTarget, {command: this.#command, what: `The wizard's state folder ${path.dirname(this.journalPath)}`});
		const loaded = await loadJournal(this.ctx.fs, this.journalPath, this.ctx.clock.now());
		this.journal = loaded.journal;
		this.journalProblem = loaded.problem;
		if (loaded.problem) this.bus.emit({type: 'warning', message: loaded.problem});
		if (!this.role && this.journal.role) this.role = this.journal.role;
	}

	stepsForRole(): Step[] {
		const role = this.role;
		return this.steps.filter((s) => !role || s.roles.includes(role));
	}

	async runStep(
		step: Step,
		mode: RunMode,
		opts: {confirm?: (step: Step, plan: Plan) => Promise<boolean>; force?: boolean; checkTimeoutMs?: number} = {},
	): Promise<StepOutcome> {
		const outcome = await runStep(step, this.ctx, {
			mode,
			answers: this.answers,
			bus: this.bus,
			confirm: opts.confirm,
			force: opts.force,
			checkTimeoutMs: opts.checkTimeoutMs,
			journal: this.ephemeral || mode === 'dry-run' ? undefined : (this.journal ?? undefined),
			run: this.run,
		});
		this.outcomes.set(step.id, outcome);
		if (mode !== 'dry-run') this.#stepsRecorded.add(step.id);
		await this.save();
		return outcome;
	}

	async save(): Promise<void> {
		if (this.ephemeral || this.ctx.dryRun || !this.journal) return;
		if (this.role) this.journal.role = this.role;
		if (this.run.files.length || this.run.commands.length) {
			const existing = this.journal.runs.findIndex((r) => r.id === this.run.id);
			if (existing >= 0) this.journal.runs[existing] = this.run;
			else this.journal.runs.push(this.run);
		}
		try {
			const write = async () => {
				// Another run may have saved since this one read the journal: merge into what is on disk now.
				const onDisk = await loadJournal(this.ctx.fs, this.journalPath, this.ctx.clock.now()).catch(() => null);
				const journal = this.journal;
				if (!journal) return;
				const merged = onDisk && !onDisk.fresh ? mergeJournal(onDisk.journal, journal, this.#stepsRecorded, this.#runsTouched) : journal;
				await saveJournal(this.ctx.fs, this.journalPath, merged, this.ctx.secrets);
				this.journal = merged;
			};
			if (this.#release) await write();
			else await withLock(this.lockTarget, write, {command: this.#command, what: `The wizard's state folder ${path.dirname(this.journalPath)}`});
		} catch (error) {
			this.bus.emit({type: 'warning', message: `Could not save the journal ${this.journalPath}: ${(error as Error).message}`});
		}
	}

	/** Marks another run as changed by this one (undo marks the run it reverted), so save keeps that. */
	touchRun(id: string): void {
		this.#runsTouched.add(id);
	}

	/** Releases the state lock (the process exiting releases it too). */
	async close(): Promise<void> {
		const release = this.#release;
		this.#release = null;
		await release?.();
	}

	/** Overall exit status: 1 when any step failed or crashed. */
	failed(): boolean {
		return [...this.outcomes.values()].some((o) => o.result.status === 'fail' || o.result.status === 'crash');
	}
}

