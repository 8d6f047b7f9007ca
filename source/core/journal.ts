/**
 * The journal: one state file per machine holding, per step, its status, a hash of its inputs,
 * the time, an error summary and the non-secret answers. `repair` and `undo` read it.
 * Secrets never enter it: answers whose name looks secret are dropped and values are redacted.
 */
import path from 'node:path';
import * as z from 'zod';
import type {FileSystem, SecretRegistry} from './context.js';
import {timestamp} from './files.js';
import type {StepStatus} from './types.js';

export const JOURNAL_VERSION = 1;

const stepEntry = z.object({
	status: z.enum(['ok', 'warn', 'fail', 'skipped', 'crash']),
	inputsHash: z.string(),
	at: z.string(),
	summary: z.string(),
	error: z.string().nullable(),
	answers: z.record(z.string(), z.unknown()),
});

/** The part of a file the wizard changed: JSON key paths or .env variable names (never values). */
const keyPath = z.array(z.union([z.string(), z.number()]));
const ownedPart = z.union([z.object({json: z.array(keyPath), containers: z.array(keyPath).optional()}), z.object({env: z.array(z.string())})]);

const fileChange = z.object({
	path: z.string(),
	backup: z.string().nullable(),
	created: z.boolean(),
	/** sha256 of the content the wizard wrote: undo compares it with the file now. */
	hash: z.string().nullable().optional(),
	size: z.number().optional(),
	part: ownedPart.nullable().optional(),
	step: z.string().nullable().optional(),
});
const commandChange = z.object({argv: z.array(z.string()), undo: z.array(z.string()).nullable(), step: z.string().nullable().optional(), guard: z.object({path: z.string(), hash: z.string()}).optional()});

const runEntry = z.object({
	id: z.string(),
	at: z.string(),
	/** The command that made the run (setup, configure-ailice, undo, …). */
	command: z.string().optional(),
	files: z.array(fileChange),
	commands: z.array(commandChange),
	/** Each step's check before the run changed anything: undo compares the state after it with this. */
	before: z.record(z.string(), z.object({status: z.string(), summary: z.string(), system: z.record(z.string(), z.string().nullable()).optional()})).optional(),
	undone: z.boolean().default(false),
});

const journalSchema = z.object({
	schemaVersion: z.literal(JOURNAL_VERSION),
	role: z.enum(['server', 'client']).nullable(),
	updatedAt: z.string(),
	steps: z.record(z.string(), stepEntry),
	runs: z.array(runEntry),
	card: z.string().nullable(),
});

export type Journal = z.infer<typeof journalSchema>;
export type JournalStep = z.infer<typeof stepEntry>;
export type JournalRun = z.infer<typeof runEntry>;
export type OwnedPart = z.infer<typeof ownedPart>;
export type JournalFileChange = z.infer<typeof fileChange>;

/** Run history beyond this many runs is pruned (newest kept). */
export const KEEP_RUNS = 50;

export function emptyJournal(now: number): Journal {
	return {schemaVersion: JOURNAL_VERSION, role: null, updatedAt: new Date(now).toISOString(), steps: {}, runs: [], card: null};
}

export interface LoadedJournal {
	journal: Journal;
	/** True when no journal existed before. */
	fresh: boolean;
	/** Set when the old file was unreadable: where it was moved and why. */
	problem?: string;
}

export async function loadJournal(fs: FileSystem, file: string, now: number): Promise<LoadedJournal> {
	const st = await fs.stat(file).catch(() => null);
	if (st && !st.isFile) {
		const kind = st.isDirectory ? 'a folder' : st.isSymbolicLink ? 'a symbolic link' : 'not a regular file';
		throw new JournalError(`The journal ${file} is ${kind}, not a file; move it out of the way (or set OLLAMA_TUNNEL_WIZARD_STATE_DIR to another folder) and run the wizard again.`);
	}
	let text: string | null;
	try {
		text = await fs.readText(file);
	} catch (error) {
		throw new JournalError(`The journal ${file} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); fix its permissions or move it away and run the wizard again.`);
	}
	if (text === null) return {journal: emptyJournal(now), fresh: true};
	let problem: string;
	try {
		const parsed = journalSchema.safeParse(JSON.parse(text));
		if (parsed.success) return {journal: parsed.data, fresh: false};
		const issue = parsed.error.issues[0];
		problem = `it does not match the expected format (${issue?.path.join('.') || 'top level'}: ${issue?.message ?? 'invalid'})`;
	} catch (error) {
		problem = `it is not valid JSON (${(error as Error).message})`;
	}
	const aside = `${file}.corrupt-${timestamp(now)}`;
	let kept: string;
	try {
		await fs.writeAtomic(aside, text, {mode: 0o600});
		await fs.remove(file);
		kept = `It was kept as ${path.basename(aside)} and a fresh journal was started.`;
	} catch {
		kept = 'It was left in place (nothing may be written now) and this run starts from an empty journal.';
	}
	return {journal: emptyJournal(now), fresh: true, problem: `The journal ${file} could not be read because ${problem}. ${kept}`};
}

/** The journal cannot be used at all (a folder, unreadable): one sentence, exit 1. */
export class JournalError extends Error {
	constructor(message: string) {
		super(message);
		this.name = 'JournalError';
	}
}

/**
 * Merges this run's record into the journal as it is on disk now (another run may have saved since
 * this one read it): the steps this run recorded and its run entry replace theirs, everything else
 * stays. Run history is pruned to the newest KEEP_RUNS.
 */
export function mergeJournal(onDisk: Journal, mine: Journal, stepsOfThisRun: ReadonlySet<string>, runIds: ReadonlySet<string>): Journal {
	const merged: Journal = {...onDisk, steps: {...onDisk.steps}, runs: [...onDisk.runs]};
	for (const id of stepsOfThisRun) {
		const entry = mine.steps[id];
		if (entry) merged.steps[id] = entry;
	}
	for (const run of mine.runs) {
		if (!runIds.has(run.id)) continue;
		const i = merged.runs.findIndex((r) => r.id === run.id);
		if (i >= 0) merged.runs[i] = run;
		else merged.runs.push(run);
	}
	merged.runs.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
	if (merged.runs.length > KEEP_RUNS) merged.runs = merged.runs.slice(-KEEP_RUNS);
	merged.role = mine.role ?? onDisk.role;
	merged.card = mine.card ?? onDisk.card;
	merged.updatedAt = mine.updatedAt > onDisk.updatedAt ? mine.updatedAt : onDisk.updatedAt;
	return merged;
}

export async function saveJournal(fs: FileSystem, file: string, journal: Journal, secrets: SecretRegistry): Promise<void> {
	if (journal.runs.length > KEEP_RUNS) journal.runs = journal.runs.slice(-KEEP_RUNS);
	const text = secrets.redact(`${JSON.stringify(journal, null, 2)}\n`);
	await fs.mkdirp(path.dirname(file), 0o700);
	await fs.writeAtomic(file, text, {mode: 0o600});
}

const SECRET_NAME = /key|token|secret|password|passwd|credential/i;

/** Drops answers whose names look secret and redacts registered secret values from the rest. */
export function publicAnswers(answers: Record<string, unknown>, secrets: SecretRegistry): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(answers)) {
		if (SECRET_NAME.test(k) && !/File$|Path$/.test(k)) continue;
		if (v === undefined) continue;
		out[k] = typeof v === 'string' ? secrets.redact(v) : JSON.parse(secrets.redact(JSON.stringify(v)));
	}
	return out;
}

export function recordStep(
	journal: Journal,
	stepId: string,
	entry: {status: StepStatus; inputsHash: string; at: number; summary: string; error?: string | null; answers: Record<string, unknown>},
): void {
	journal.steps[stepId] = {
		status: entry.status,
		inputsHash: entry.inputsHash,
		at: new Date(entry.at).toISOString(),
		summary: entry.summary,
		error: entry.error ?? null,
		answers: entry.answers,
	};
	journal.updatedAt = new Date(entry.at).toISOString();
}
