/**
 * The per-run log file (wrangler style): every command, its exit code and timing, every event,
 * with secrets redacted and masked. A file change is logged as its path, sizes, hashes and the
 * names that change, never its content. Old logs are pruned by count, total size and age; a line
 * holding a huge value is cut, and one run's log stops growing at a fixed size.
 */
import {appendFileSync, mkdirSync, readdirSync, statSync, rmSync} from 'node:fs';
import path from 'node:path';
import type {Logger, LogLevel, SecretRegistry} from './context.js';
import type {WizardEvent} from './events.js';
import {timestamp} from './files.js';
import {maskSecrets, maskUrlCredentials, summarizeFileAction} from './mask.js';
import {jsonChange} from './owned-part.js';

export const KEEP_LOGS = 20;
/** All run logs together stay under this size; the oldest go first. */
export const MAX_LOGS_TOTAL_BYTES = 10 * 1024 * 1024;
export const MAX_LOG_AGE_MS = 30 * 24 * 3600 * 1000;
/** One log line is cut after this many characters. */
export const MAX_LOG_LINE_CHARS = 16 * 1024;
/** One run's log stops growing at this size (a last line says so). */
export const MAX_LOG_FILE_BYTES = 2 * 1024 * 1024;

export class FileLogger implements Logger {
	readonly file: string | null;
	#bytes = 0;
	#full = false;
	constructor(
		logDir: string | null,
		private readonly secrets: SecretRegistry,
		now: number,
	) {
		let file: string | null = null;
		if (logDir) {
			try {
				mkdirSync(logDir, {recursive: true, mode: 0o700});
				file = path.join(logDir, `run-${timestamp(now)}-${process.pid}.log`);
				appendFileSync(file, '', {mode: 0o600});
				pruneLogs(logDir, now, file);
			} catch {
				file = null; // logging must never stop the wizard
			}
		}
		this.file = file;
	}

	log(level: LogLevel, message: string, data?: Record<string, unknown>): void {
		if (!this.file || this.#full) return;
		let line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}${data ? ` ${safeStringify(data)}` : ''}`;
		// Redact and mask the whole line first: a cut made earlier could split a secret so it no longer matches.
		line = maskUrlCredentials(maskSecrets(this.secrets.redact(line)));
		line = truncateLine(line);
		let text = `${line}\n`;
		const size = Buffer.byteLength(text);
		if (this.#bytes + size > MAX_LOG_FILE_BYTES) {
			this.#full = true;
			text = `${new Date().toISOString()} WARN log reached ${MAX_LOG_FILE_BYTES} bytes; later lines of this run are not written\n`;
		}
		try {
			appendFileSync(this.file, text);
			this.#bytes += Buffer.byteLength(text);
		} catch {
			// ignore
		}
	}
}

/** Cuts a line longer than {@link MAX_LOG_LINE_CHARS}, saying how much was left out. */
export function truncateLine(line: string, max = MAX_LOG_LINE_CHARS): string {
	if (line.length <= max) return line;
	return `${line.slice(0, max)}… [${line.length - max} more characters not logged]`;
}

function safeStringify(data: Record<string, unknown>): string {
	try {
		return JSON.stringify(data, (_key, value: unknown) => (typeof value === 'bigint' ? String(value) : value)) ?? '';
	} catch {
		return '"(unserialisable data)"';
	}
}

// The changed key paths, worked out once with the journal's record of the same write (see jsonChange).
const logNames = (before: string | null, after: string): string[] | null => jsonChange(before, after)?.names ?? null;

/**
 * An event as the log records it: a planned file change becomes its summary (path, sizes, sha256,
 * changed key paths or variable names), a manual action its reason; every other event as it is.
 */
export function eventForLog(event: WizardEvent): Record<string, unknown> {
	if (event.type === 'step:plan') {
		return {
			type: event.type,
			step: event.step,
			// An action that carries its changed names (the step knew them) needs no parse of its texts.
			actions: event.plan.actions.map((a) => (a.kind === 'file' ? summarizeFileAction(a, a.changedNames ? () => a.changedNames ?? null : logNames) : a.kind === 'manual' ? {kind: 'manual', why: a.why, textChars: a.text.length} : a)),
			notes: event.plan.notes ?? [],
		};
	}
	return event as unknown as Record<string, unknown>;
}

/**
 * Keeps the newest {@link KEEP_LOGS} run logs, at most {@link MAX_LOGS_TOTAL_BYTES} in all, none
 * older than {@link MAX_LOG_AGE_MS}; the oldest are removed first. `current` (this run's log) is kept.
 */
export function pruneLogs(logDir: string, now: number, current?: string): void {
	const logs = readdirSync(logDir)
		.filter((f) => /^run-.*\.log$/.test(f))
		.flatMap((f) => {
			try {
				const st = statSync(path.join(logDir, f));
				return st.isFile() ? [{f, m: st.mtimeMs, size: st.size}] : [];
			} catch {
				return [];
			}
		})
		.sort((a, b) => b.m - a.m || (a.f < b.f ? 1 : a.f > b.f ? -1 : 0));
	let total = 0;
	let kept = 0;
	let full = false; // once one log does not fit, every older one goes too
	for (const entry of logs) {
		const file = path.join(logDir, entry.f);
		const isCurrent = current !== undefined && path.resolve(file) === path.resolve(current);
		if (!isCurrent && (kept >= KEEP_LOGS || total + entry.size > MAX_LOGS_TOTAL_BYTES)) full = true;
		const keep = isCurrent || (!full && now - entry.m <= MAX_LOG_AGE_MS);
		if (keep) {
			kept++;
			total += entry.size;
		} else {
			rmSync(file, {force: true});
		}
	}
}

export const nullLogger: Logger = {log: () => undefined};
