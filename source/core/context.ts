/**
 * The effects boundary. Every outside effect a step has (processes, HTTP, DNS/TCP, files, clock,
 * platform, environment) goes through one injected `Ctx`, so the same step runs for real, under
 * test fakes, and in --dry-run.
 */

export interface CommandOptions {
	/** Kill the command after this many ms (default 15 s). */
	timeoutMs?: number;
	/** Text written to the command's stdin (e.g. a secret passed by stdin rather than argv). */
	input?: string;
	/** Hand the real terminal to the command (sudo password prompts, installers). */
	interactive?: boolean;
	env?: Record<string, string>;
	cwd?: string;
}

export interface CommandResult {
	/** null when the command could not be started or was killed. */
	exitCode: number | null;
	stdout: string;
	stderr: string;
	durationMs: number;
	timedOut: boolean;
	/** The program does not exist (ENOENT). */
	notFound: boolean;
}

export type CommandRunner = (cmd: string, args: string[], opts?: CommandOptions) => Promise<CommandResult>;

export interface HttpOptions {
	method?: 'GET' | 'POST' | 'HEAD' | 'DELETE';
	headers?: Record<string, string>;
	body?: string;
	/**
	 * request(): the whole exchange (connect, headers and the complete body) ends within
	 * max(timeoutMs, bodyTimeoutMs), however slowly the server sends. stream(): the headers within timeoutMs.
	 */
	timeoutMs: number;
	/** stream(): the whole body within this many ms once headers arrived (default: timeoutMs). */
	bodyTimeoutMs?: number;
	/** Stop reading after this many bytes (the response is then marked truncated). */
	maxBodyBytes?: number;
	signal?: AbortSignal;
}

export interface HttpResponse {
	status: number;
	headers: Record<string, string>;
	/** Body decoded as UTF-8 (invalid bytes become U+FFFD). */
	text: string;
	truncated: boolean;
	/** ms from sending the request to receiving the response headers. */
	headersMs: number;
	totalMs: number;
}

export interface HttpStreamResponse {
	status: number;
	headers: Record<string, string>;
	headersMs: number;
	/** Lines of the body as they arrive (NDJSON). Bounded by maxBodyBytes and bodyTimeoutMs. */
	lines(): AsyncIterable<string>;
	close(): void;
}

/** Errors from the HTTP and TCP layer carry a normalised code (ECONNREFUSED, ETIMEDOUT, ECONNRESET, …). */
export class NetError extends Error {
	constructor(
		message: string,
		readonly code: string,
	) {
		super(message);
		this.name = 'NetError';
	}
}

export interface HttpSession {
	request(path: string, opts: HttpOptions): Promise<HttpResponse>;
	close(): Promise<void>;
}

export interface HttpClient {
	request(url: string, opts: HttpOptions): Promise<HttpResponse>;
	stream(url: string, opts: HttpOptions): Promise<HttpStreamResponse>;
	/** One kept-alive connection to an origin, for latency samples. */
	session(origin: string, opts: {timeoutMs: number}): HttpSession;
}

export interface ResolvedAddress {
	address: string;
	family: 4 | 6;
}

export interface NetProbe {
	lookup(host: string, timeoutMs: number): Promise<ResolvedAddress[]>;
	/** Opens and closes a TCP connection; resolves with the connect time in ms. */
	tcpConnect(host: string, port: number, timeoutMs: number): Promise<number>;
}

export interface FileStat {
	isFile: boolean;
	isDirectory: boolean;
	isSymbolicLink: boolean;
	mode: number;
	size: number;
	mtimeMs: number;
}

export interface WriteOptions {
	mode?: number;
	/** Copy the current file next to it (`<path>.bak-<timestamp>`, mode 0600) before replacing it (default true). */
	backup?: boolean;
	/** The content the plan was made from (null: absent). If the file holds anything else now, nothing is written. */
	expect?: string | null;
	/** Hold the file's inter-process lock during the read-compare-write (default true). */
	lock?: boolean;
}

export interface FileSystem {
	/** null when the file does not exist. Throws on other errors (EACCES, EISDIR, …). */
	readText(path: string): Promise<string | null>;
	/** lstat; null when absent. */
	stat(path: string): Promise<FileStat | null>;
	/** Write via temp file + rename in the same folder, after an optional backup. */
	writeAtomic(path: string, content: string, opts?: WriteOptions): Promise<{backupPath: string | null}>;
	mkdirp(path: string, mode?: number): Promise<void>;
	remove(path: string): Promise<void>;
	readdir(path: string): Promise<string[]>;
	chmod(path: string, mode: number): Promise<void>;
}

export interface Clock {
	now(): number;
	sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface Logger {
	log(level: LogLevel, message: string, data?: Record<string, unknown>): void;
}

/**
 * Hands the real terminal to a command that talks to the user itself (sudo's password prompt, an
 * installer): a full-screen UI steps aside while `fn` runs and comes back after. The command is
 * shown (already redacted) so the UI can say what runs.
 */
export interface TerminalHandOver {
	handOver<T>(fn: () => Promise<T>, command?: string): Promise<T>;
}

export interface Ctx {
	run: CommandRunner;
	http: HttpClient;
	net: NetProbe;
	fs: FileSystem;
	clock: Clock;
	log: Logger;
	platform: NodeJS.Platform;
	env: Readonly<Record<string, string | undefined>>;
	home: string;
	cwd: string;
	/** The app-wide abort signal: Ctrl-C aborts it and every running child is killed. */
	signal: AbortSignal;
	/** Values that must never appear in output, logs or the journal. */
	secrets: SecretRegistry;
	dryRun: boolean;
	/** Set while a full-screen UI owns the terminal: interactive commands run inside handOver. */
	terminal?: TerminalHandOver;
	/** Live progress of the checks inside a step (the status pane). The runner wires it to events. */
	progress: (check: string, status: 'running' | 'ok' | 'warn' | 'fail', message: string) => void;
}

export class SecretRegistry {
	readonly #values = new Set<string>();

	add(value: string | undefined | null): void {
		if (value && value.length >= 4) this.#values.add(value);
	}

	/** Replaces every registered secret (and its JSON-escaped form) with `***`. */
	redact(text: string): string {
		let out = text;
		for (const value of this.#values) {
			for (const form of [value, JSON.stringify(value).slice(1, -1)]) {
				if (form.length >= 4) out = out.split(form).join('***');
			}
		}
		return out;
	}

	get size(): number {
		return this.#values.size;
	}
}
