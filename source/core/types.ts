/**
 * The step contract shared by every step module, the runner and the views.
 * Nothing here imports UI code: steps run the same for real, in tests and in --dry-run.
 */
import type {Ctx} from './context.js';

export type StepStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'crash';

export type Role = 'server' | 'client';

export type StepId =
	| 'twingate-network'
	| 'ollama-remote-access'
	| 'client-address'
	| 'ailice-config'
	| 'service-account'
	| 'connection-test';

export interface Remediation {
	/** Commands the user can run, each as an argument vector (never a shell string). */
	commands?: string[][];
	/** One or more sentences saying what to do. */
	text?: string;
	links?: string[];
}

export interface CheckResult {
	status: StepStatus;
	/** One line: what is true now. */
	summary: string;
	details: string[];
	remediation?: Remediation;
	/** A classified cause code when the result is a failure (e.g. `refused`). */
	cause?: string | null;
	/** Structured, non-secret data the step measured (e.g. models, latency). */
	data?: Record<string, unknown>;
	/**
	 * False on a warning that no change this step can make would fix (e.g. no LAN address to test
	 * from, an Ollama version to update by hand): nothing is applied for it. Absent means fixable.
	 */
	fixable?: boolean;
	durationMs: number;
}

export type PlannedAction =
	| {
			kind: 'command';
			argv: string[];
			why: string;
			/** The command needs the real terminal (sudo password, installer). */
			interactive?: boolean;
			/** The argv that reverses it, if any; recorded in the journal for `undo`. */
			undo?: string[];
			/**
			 * The file this command leaves with exactly this content (e.g. an installed drop-in): undo runs
			 * the reverse only while the file still holds it, so a later edit by someone else is kept.
			 */
			guard?: {path: string; content: string};
	  }
	| {
			kind: 'file';
			path: string;
			why: string;
			/** Current content, or null when the file does not exist yet. */
			before: string | null;
			after: string;
			mode?: number;
			/** True when the content is secret: never print it, only say that it changes. */
			secret?: boolean;
			/**
			 * JSON only, when the step knows them (else they are worked out by parsing `before` and
			 * `after`): the key paths whose values change, down to the leaves (what undo takes back)…
			 */
			changedKeys?: (string | number)[][];
			/** …the objects the change adds (undo removes each once it is empty again)… */
			addedObjects?: (string | number)[][];
			/** …and the dotted names of the changed key paths, as the log lists them. */
			changedNames?: string[];
			/**
			 * Only in the event history, once the step finished: `before` and `after` of a large file were
			 * left out (empty texts), so the history does not keep them in memory; the views had them.
			 */
			omitted?: boolean;
	  }
	| {kind: 'manual'; why: string; text: string};

export interface Plan {
	actions: PlannedAction[];
	/** Non-secret inputs that determine this plan; hashed into the journal to detect staleness. */
	inputs: Record<string, unknown>;
	notes?: string[];
}

/** Answers collected from flags or prompts. Secret values live only in memory. */
export type Answers = Record<string, unknown>;

export interface Step {
	id: StepId;
	number: number;
	title: string;
	/** Which machine runs the step. */
	roles: Role[];
	dependsOn: StepId[];
	/** Read-only and idempotent: is the step done and healthy? */
	check(ctx: Ctx, answers: Answers): Promise<Omit<CheckResult, 'durationMs'>>;
	/** The exact changes apply would make. Never changes anything. */
	plan(ctx: Ctx, answers: Answers): Promise<Plan>;
	/** Performs the plan. The runner always calls check again afterwards. */
	apply(ctx: Ctx, plan: Plan, signal: AbortSignal): Promise<void>;
	/** False while another issue has not delivered the step (the UI says so). */
	available: boolean;
}
