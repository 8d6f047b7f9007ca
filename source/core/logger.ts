/**
 * The per-run log file (wrangler style): every command, its exit code and timing, every event,
 * with secrets redacted. Old logs are pruned.
 */
import {appendFileSync, mkdirSync, readdirSync, statSync, rmSync} from 'node:fs';
import path from 'node:path';
import type {Logger, LogLevel, SecretRegistry} from './context.js';
import {timestamp} from './files.js';

export const KEEP_LOGS = 20;
export const MAX_LOG_AGE_MS = 30 * 24 * 3600 * 1000;

export class FileLogger implements Logger {
	readonly file: string | null;
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
				pruneLogs(logDir, now);
			} catch {
				file = null; // logging must never stop the wizard
			}
		}
		this.file = file;
	}

	log(level: LogLevel, message: string, data?: Record<string, unknown>): void {
		if (!this.file) return;
		const line = `${new Date().toISOString()} ${level.toUpperCase()} ${message}${data ? ` ${JSON.stringify(data)}` : ''}`;
		try {
			appendFileSync(this.file, `${this.secrets.redact(line)}\n`);
		} catch {
			// ignore
		}
	}
}

export function pruneLogs(logDir: string, now: number): void {
	const logs = readdirSync(logDir)
		.filter((f) => /^run-.*\.log$/.test(f))
		.map((f) => ({f, m: statSync(path.join(logDir, f)).mtimeMs}))
		.sort((a, b) => b.m - a.m);
	logs.forEach((entry, i) => {
		if (i >= KEEP_LOGS || now - entry.m > MAX_LOG_AGE_MS) rmSync(path.join(logDir, entry.f), {force: true});
	});
}

export const nullLogger: Logger = {log: () => undefined};
