/**
 * The Ink implementation of the Asker: each question becomes a pending entry in a small external store
 * that the <Prompt> component renders; the promise settles when the user answers, skips or quits.
 * Questions queue up (a retry may ask while the flow already waits), and only the first is shown.
 *
 * Keys typed right after the Enter (or y/n) that answered a question, in the same read of the
 * terminal, belong to the next question: the prompt hands them to `answer`, the asker keeps them for
 * a moment, and the next prompt takes them (`takeKeys`) before any new key. Kept keys that no question
 * takes within CARRY_MS are dropped, so a burst never answers a question asked much later.
 */
import {CancelledError} from '../core/exit-codes.js';
import {SkipStepError, type Asker, type ConfirmQuestion, type SelectQuestion, type TextQuestion} from '../app/asker.js';
import {keysToCarry} from './line-edit.js';

/** How long keys that followed an answer wait for the next question. */
export const CARRY_MS = 1000;

/** The user pressed `s` (or Esc in a text field): the flow records the step as skipped. */
export {SkipStepError};

interface Base {
	id: number;
	/** The step the question belongs to (null for questions before any step, e.g. the role). */
	stepId: string | null;
}

export type PendingQuestion =
	| (Base & {kind: 'text'; question: TextQuestion})
	| (Base & {kind: 'select'; question: SelectQuestion<string>})
	| (Base & {kind: 'confirm'; question: ConfirmQuestion})
	| (Base & {kind: 'note'; title: string; body: string});

type Entry = {pending: PendingQuestion; resolve: (value: unknown) => void; reject: (error: unknown) => void};

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

export class InkAsker implements Asker {
	readonly interactive = true;
	readonly #queue: Entry[] = [];
	readonly #listeners = new Set<() => void>();
	readonly #signal: AbortSignal | undefined;
	#nextId = 1;
	#cancelled: PendingQuestion | null = null;
	#carried: {keys: string; at: number} | null = null;

	constructor(signal?: AbortSignal) {
		this.#signal = signal;
		signal?.addEventListener('abort', () => this.cancelAll(), {once: true});
	}

	// --- store (useSyncExternalStore) -------------------------------------------------------------
	readonly subscribe = (listener: () => void): (() => void) => {
		this.#listeners.add(listener);
		return () => this.#listeners.delete(listener);
	};

	/** The question on screen, or null. A stable reference until the queue changes. */
	readonly getSnapshot = (): PendingQuestion | null => this.#queue[0]?.pending ?? null;

	get pendingCount(): number {
		return this.#queue.length;
	}

	#notify(): void {
		for (const l of this.#listeners) l();
	}

	#ask<T>(stepId: string | null, pending: DistributiveOmit<PendingQuestion, 'id' | 'stepId'>): Promise<T> {
		if (this.#signal?.aborted) return Promise.reject(new CancelledError());
		return new Promise<T>((resolve, reject) => {
			const entry: Entry = {pending: {...pending, id: this.#nextId++, stepId} as PendingQuestion, resolve: resolve as (v: unknown) => void, reject};
			this.#queue.push(entry);
			this.#notify();
		});
	}

	#take(id: number): Entry | undefined {
		const index = this.#queue.findIndex((e) => e.pending.id === id);
		if (index < 0) return undefined;
		const [entry] = this.#queue.splice(index, 1);
		this.#notify();
		return entry;
	}

	// --- answers from the UI ----------------------------------------------------------------------
	/**
	 * Settle question `id` with the user's answer (string for text/select, boolean for confirm).
	 * `rest`: the keys that followed the answering key in the same read, for the next question.
	 */
	answer(id: number, value: unknown, rest = ''): void {
		if (!this.#queue.some((e) => e.pending.id === id)) return;
		this.carryKeys(rest);
		this.#take(id)?.resolve(value);
	}

	/**
	 * Keep keys for the next question (those after an answer; a paste's further lines are dropped,
	 * see keysToCarry). Added to what is already kept.
	 */
	carryKeys(keys: string): void {
		const kept = keysToCarry(keys);
		if (!kept) return;
		const before = this.#fresh();
		this.#carried = {keys: before + kept, at: Date.now()};
	}

	/** The kept keys, for the question now on screen (they are handed out once). */
	takeKeys(): string {
		const keys = this.#fresh();
		this.#carried = null;
		return keys;
	}

	#fresh(): string {
		const c = this.#carried;
		return c && Date.now() - c.at <= CARRY_MS ? c.keys : '';
	}

	/** Can `s` skip this question? Only questions that belong to a step. */
	canSkip(pending: PendingQuestion | null): boolean {
		return Boolean(pending && (pending.stepId !== null || pending.kind === 'note'));
	}

	/** Skip: a confirmation is declined, a note dismissed, anything else skips the whole step. */
	skip(id: number): boolean {
		const entry = this.#queue.find((e) => e.pending.id === id);
		if (!entry || !this.canSkip(entry.pending)) return false;
		this.#take(id);
		const p = entry.pending;
		if (p.kind === 'confirm') entry.resolve(false);
		else if (p.kind === 'note') entry.resolve(undefined);
		else entry.reject(new SkipStepError(p.stepId ?? ''));
		return true;
	}

	/** The question that was on screen when the run was cancelled (the final frame says so), else null. */
	get cancelledQuestion(): PendingQuestion | null {
		return this.#cancelled;
	}

	/** Quit: every waiting question rejects with CancelledError. */
	cancelAll(): void {
		const entries = this.#queue.splice(0);
		this.#carried = null;
		if (entries[0]) this.#cancelled ??= entries[0].pending;
		if (entries.length) this.#notify();
		for (const e of entries) e.reject(new CancelledError());
	}

	// --- Asker ------------------------------------------------------------------------------------
	/** The same asker, with every question tagged as belonging to `stepId` (so `s` can skip it). */
	forStep(stepId: string | null): Asker {
		return {
			interactive: true,
			text: (q) => this.#ask<string>(stepId, {kind: 'text', question: q}),
			select: <T extends string>(q: SelectQuestion<T>) => this.#ask<T>(stepId, {kind: 'select', question: q as unknown as SelectQuestion<string>}),
			confirm: (q) => this.#ask<boolean>(stepId, {kind: 'confirm', question: q}),
			note: (title, body) => this.#ask<void>(stepId, {kind: 'note', title, body}),
		};
	}

	text(q: TextQuestion): Promise<string> {
		return this.forStep(null).text(q);
	}

	select<T extends string>(q: SelectQuestion<T>): Promise<T> {
		return this.forStep(null).select(q);
	}

	confirm(q: ConfirmQuestion): Promise<boolean> {
		return this.forStep(null).confirm(q);
	}

	note(title: string, body: string): Promise<void> {
		return this.forStep(null).note(title, body);
	}
}
