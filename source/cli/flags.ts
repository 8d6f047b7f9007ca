/** The flag table: the single source for parsing and for --help (no dependencies, loads fast). */
export const COMMANDS = ['setup', 'test', 'doctor', 'repair', 'undo'] as const;
export type Command = (typeof COMMANDS)[number];

type FlagSpec = {type: 'string' | 'boolean'; short?: string; multiple?: boolean; help: string; value?: string};

/** Every flag, once. Which command accepts which is in COMMAND_FLAGS. */
export const FLAGS: Record<string, FlagSpec> = {
	help: {type: 'boolean', short: 'h', help: 'Show help (for a command: `ollama-tunnel-wizard <command> --help`).'},
	version: {type: 'boolean', short: 'v', help: 'Print the version.'},
	json: {type: 'boolean', help: 'NDJSON events on stdout, one per line; the last line is a summary (schemaVersion 1). Never prompts.'},
	plain: {type: 'boolean', help: 'Plain lines instead of the full-screen UI (screen readers, basic terminals, logs); still asks questions on a TTY.'},
	yes: {type: 'boolean', short: 'y', help: 'Apply changes without asking for confirmation.'},
	'dry-run': {type: 'boolean', help: 'Print every command and file diff that would be applied, and change nothing.'},
	role: {type: 'string', value: 'server|client', help: 'Which machine this is: the Ollama host (server) or the AIlice side (client).'},
	url: {type: 'string', value: 'URL', help: 'Ollama base URL as the AIlice side reaches it, e.g. http://ollama.home.internal:11434 (with or without /v1).'},
	model: {type: 'string', value: 'NAME', help: 'Model to test, exactly as the server lists it (default: the first local model).'},
	samples: {type: 'string', value: 'N', help: 'Latency samples over one kept-alive connection (1–100, default 5).'},
	'timeout-ms': {type: 'string', value: 'MS', help: 'Connect and per-request timeout (100–600000, default 5000).'},
	perf: {type: 'boolean', help: 'Also measure latency (min/p50/p95), time to first token and tokens/s; on the Ollama host also against 127.0.0.1.'},
	fix: {type: 'boolean', help: 'Offer the fix for the diagnosis: run the owning step (plan → confirm → apply) and check again.'},
	'chat-timeout-ms': {type: 'string', value: 'MS', help: 'Time allowed for the streamed test chat, including a cold model load (1000–1800000, default 120000).'},
};

export const COMMAND_FLAGS: Record<Command, string[]> = {
	setup: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model', 'samples', 'timeout-ms', 'chat-timeout-ms'],
	test: ['help', 'json', 'plain', 'url', 'model', 'samples', 'timeout-ms', 'chat-timeout-ms'],
	doctor: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model', 'timeout-ms', 'samples', 'perf', 'fix'],
	repair: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model'],
	undo: ['help', 'json', 'plain', 'yes', 'dry-run'],
};

