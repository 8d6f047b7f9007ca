/**
 * Doctor checks: small read-only probes grouped by layer, run concurrently with their own time
 * limits (flutter/expo doctor model), combined into one diagnosis sentence.
 */
import type {Ctx} from '../core/context.js';
import type {Role, StepId} from '../core/types.js';
import type {OllamaUrl} from '../core/url.js';

export type Layer = 'twingate' | 'ollama' | 'network' | 'ailice' | 'security';

export const LAYERS: {id: Layer; title: string}[] = [
	{id: 'twingate', title: 'Twingate'},
	{id: 'ollama', title: 'Ollama server'},
	{id: 'network', title: 'Network path'},
	{id: 'ailice', title: 'AIlice config'},
	{id: 'security', title: 'Security'},
];

export type CheckStatus = 'ok' | 'warn' | 'fail' | 'skipped' | 'crash';
export type Severity = 'high' | 'medium' | 'low';

export interface Finding {
	severity: Severity;
	/** The exact command or setting to change. */
	fix: string;
	commands?: string[][];
}

export interface CheckOutcome {
	status: CheckStatus;
	/** Short detail shown on the pane line. */
	detail: string;
	/** What the check saw, for the diagnosis evidence and --json. Never secrets. */
	evidence?: Record<string, unknown>;
	finding?: Finding;
	/** A diagnosis cause this check points at when it fails or warns. */
	cause?: string;
}

export interface DoctorInput {
	role: Role;
	/** The URL the AIlice side uses (from --url, or AIlice's config). */
	url?: OllamaUrl;
	model?: string;
	alias?: string;
	/** Step 2's Docker probe result from this run or the journal: `reachable` means a loopback bind is fine. */
	dockerProbe?: string;
	/** The AIlice side and Ollama are the same machine (--ollama-here, or recorded by step 4): no tunnel checks. */
	ollamaHere?: boolean;
	/** The service key file to check (--service-key-file, the journal, TWINGATE_SERVICE_KEY_FILE). */
	serviceKeyFile?: string;
	/** --ailice-config: where AIlice's config.json is, if not the default. */
	ailiceConfig?: string;
	timeoutMs: number;
	/** Number of latency samples for --perf. */
	samples: number;
	perf: boolean;
}

export interface DoctorCheck {
	id: string;
	layer: Layer;
	title: string;
	roles: Role[];
	platforms?: NodeJS.Platform[];
	/** false: a failure is reported as a warning and does not fail the run. */
	required: boolean;
	/** The wizard step that can fix what this check finds (`f` / --fix). */
	fixStep?: StepId;
	/** Only part of --perf runs. */
	perfOnly?: boolean;
	run(ctx: Ctx, input: DoctorInput, memo: Memo): Promise<CheckOutcome>;
}

/** A per-run cache so concurrent checks share one probe (expo-doctor's shared cache). */
export class Memo {
	readonly #values = new Map<string, Promise<unknown>>();
	get<T>(key: string, fn: () => Promise<T>): Promise<T> {
		let p = this.#values.get(key) as Promise<T> | undefined;
		if (!p) {
			p = fn();
			this.#values.set(key, p);
		}
		return p;
	}
}

export interface CheckRecord {
	id: string;
	layer: Layer;
	title: string;
	required: boolean;
	status: CheckStatus | 'running';
	detail: string;
	durationMs: number;
	slow: boolean;
	evidence?: Record<string, unknown>;
	finding?: Finding;
	cause?: string;
	fixStep?: StepId;
}
