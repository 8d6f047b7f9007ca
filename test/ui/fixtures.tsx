/** Fake steps and a mounted <App> over a real Session with a fake Ctx, for the UI tests. */
import {render} from 'ink-testing-library';
import {Session} from '../../source/app/session.js';
import type {Command, Options} from '../../source/cli/args.js';
import type {Journal} from '../../source/core/journal.js';
import type {Answers, Role, Step} from '../../source/core/types.js';
import {STEPS} from '../../source/steps/index.js';
import {App} from '../../source/ui/App.js';
import {Driver, type DriverInit} from '../../source/ui/driver.js';
import {InkAsker} from '../../source/ui/ink-asker.js';
import {makeCtx, type TestCtx} from '../support/fake-ctx.js';

/** A step with the real id, number, title and roles; unavailable and inert unless overridden. */
export function fakeStep(id: Step['id'], over: Partial<Step> = {}): Step {
	const real = STEPS.find((s) => s.id === id);
	if (!real) throw new Error(`no step ${id}`);
	return {
		id: real.id,
		number: real.number,
		title: real.title,
		roles: real.roles,
		dependsOn: real.dependsOn,
		available: false,
		check: async () => {
			throw new Error(`unexpected call: check of ${id}`);
		},
		plan: async () => ({actions: [], inputs: {}}),
		apply: async () => {
			throw new Error(`unexpected call: apply of ${id}`);
		},
		...over,
	};
}

/** The six steps, 1–5 unavailable, with `last` as step 6 (the connection test). */
export function sixSteps(last: Partial<Step> = {}, others: Partial<Record<Step['id'], Partial<Step>>> = {}): Step[] {
	return STEPS.map((s) => (s.id === 'connection-test' ? fakeStep(s.id, {available: true, ...last}) : fakeStep(s.id, others[s.id] ?? {})));
}

/** A promise the test resolves by hand. */
export function gate<T = void>(): {promise: Promise<T>; release: (value: T) => void} {
	let release!: (value: T) => void;
	const promise = new Promise<T>((resolve) => (release = resolve));
	return {promise, release};
}

export interface Mounted extends ReturnType<typeof render> {
	ctx: TestCtx;
	session: Session;
	driver: Driver;
	asker: InkAsker;
	exitCode: () => number | undefined;
}

export function mountApp(opts: {
	steps: Step[];
	command?: Command;
	answers?: Answers;
	options?: Options;
	role?: Role;
	exitDelayMs?: number;
	interviews?: DriverInit['interviews'];
	doctorChecks?: DriverInit['doctorChecks'];
	journal?: Journal;
	/** A terminal of this size (ink-testing-library's has 100 columns and no height). */
	size?: {columns: number; rows: number};
}): Mounted {
	const ctx = makeCtx();
	const session = new Session({ctx, answers: opts.answers ?? {}, steps: opts.steps, role: opts.role, ephemeral: true});
	if (opts.journal) session.journal = opts.journal;
	const asker = new InkAsker(ctx.controller.signal);
	// The real interviews belong to the real steps; the fake steps ask nothing unless a test says so.
	const driver = new Driver({session, command: opts.command ?? 'test', options: opts.options ?? {}, asker, interviews: opts.interviews ?? {}, afterStep: {}, doctorChecks: opts.doctorChecks});
	let code: number | undefined;
	const r = render(<App session={session} driver={driver} asker={asker} controller={ctx.controller} exitDelayMs={opts.exitDelayMs ?? 20} onExit={(c) => (code = c)} />);
	if (opts.size) {
		Object.defineProperty(r.stdout, 'columns', {value: opts.size.columns, configurable: true});
		Object.defineProperty(r.stdout, 'rows', {value: opts.size.rows, configurable: true});
		r.stdout.emit('resize');
	}
	return {...r, ctx, session, driver, asker, exitCode: () => code};
}

/** The line of the step list that carries the selection mark. */
export function selectedLine(frame: string): string {
	return frame.split('\n').find((l) => /│ › \d/.test(l)) ?? '';
}
