/** The flag table: the single source for parsing and for --help (no dependencies, loads fast). */
export const COMMANDS = ['setup', 'test', 'doctor', 'repair', 'undo', 'configure-ailice', 'service-account'] as const;
export type Command = (typeof COMMANDS)[number];

/** `help` is the flag's --help line; `helpIn` replaces it for a command where a word of it would not be true. */
type FlagSpec = {type: 'string' | 'boolean'; short?: string; multiple?: boolean; help: string; helpIn?: Partial<Record<Command, string>>; value?: string};

/** Every flag, once. Which command accepts which is in COMMAND_FLAGS. */
export const FLAGS: Record<string, FlagSpec> = {
	help: {type: 'boolean', short: 'h', help: 'Show this help.'},
	version: {type: 'boolean', short: 'v', help: 'Print the version.'},
	json: {type: 'boolean', help: 'NDJSON events on stdout, one per line; the last line is a summary (schemaVersion 1). Never prompts.'},
	plain: {type: 'boolean', help: 'Plain lines instead of the full-screen UI (screen readers, basic terminals, logs); still asks questions on a TTY.'},
	yes: {type: 'boolean', short: 'y', help: 'Apply changes without asking for confirmation.'},
	'dry-run': {type: 'boolean', help: 'Print every command and file diff that would be applied, and change nothing.'},
	role: {type: 'string', value: 'server|client', help: 'Which machine this is: the Ollama host (server) or the AIlice side (client).'},
	url: {type: 'string', value: 'URL', help: 'Ollama base URL as the AIlice side reaches it, e.g. http://ollama.home.internal:11434 (with or without /v1).'},
	model: {
		type: 'string',
		value: 'NAME',
		help: 'Model, exactly as the server lists it.',
		helpIn: {
			test: 'The model to test, exactly as the server lists it (default: the first local model).',
			'configure-ailice': 'Model, exactly as the server lists it; repeat for several.',
			'service-account': 'Model, exactly as the server lists it; repeat for several.',
		},
	},
	samples: {type: 'string', value: 'N', help: 'Latency samples over one kept-alive connection (1–100, default 5).'},
	'timeout-ms': {type: 'string', value: 'MS', help: 'Connect and per-request timeout (100–600000, default 5000).'},
	perf: {type: 'boolean', help: 'Also measure latency (min/p50/p95), time to first token and tokens/s; on the Ollama host also against 127.0.0.1.'},
	fix: {type: 'boolean', help: 'Offer the fix for the diagnosis: run the owning step (plan → confirm → apply) and check again.'},
	'chat-timeout-ms': {type: 'string', value: 'MS', help: 'Time allowed for the streamed test chat, including a cold model load (1000–1800000, default 120000).'},
	// Client side, steps 4 and 5.
	card: {type: 'string', value: 'LINE', help: 'The connection card from step 3 (one line starting with otw1:): the address and models, no retyping.'},
	'ailice-config': {type: 'string', value: 'PATH', help: "AIlice's config.json (default: where AIlice reads it: ~/.config/ailice/config.json or $XDG_CONFIG_HOME/ailice on Linux, ~/Library/Application Support/ailice on macOS)."},
	provider: {type: 'string', value: 'NAME', help: 'Provider name in AIlice\'s config.json (default ollama; not a built-in provider such as oai or openrouter).'},
	'set-default': {type: 'boolean', help: "Also make the first model AIlice's default (modelID and agentModelConfig.DEFAULT); AIlice's own default points at OpenRouter."},
	'context-window': {type: 'string', value: 'N', help: "contextWindow cap for each model (512–1048576, default 8192; never above the model's own context length)."},
	// Not `--env-file`: Node 20+ treats that as its own option even after the script path and exits 9
	// when the file does not exist yet (nodejs/node#54232), so the wizard could never create the file.
	dotenv: {type: 'string', value: 'PATH', help: 'Also merge what the step-5 container reads into this .env (docker run --env-file): OLLAMA_BASE_URL, OLLAMA_TUNNEL_TYPE, AILICE_MODELS, AILICE_PROVIDER and the key path inside the container; other lines stay. AIlice itself reads no .env.'},
	'service-key-file': {
		type: 'string',
		value: 'PATH',
		help: 'The Twingate service key JSON file (checked, never printed; made 0600). With --dotenv, the .env gets TWINGATE_SERVICE_KEY_FILE=/run/secrets/twingate_service_key.json (where docker run mounts it) and this path as TWINGATE_SERVICE_KEY_HOST_FILE.',
		helpIn: {
			doctor: 'The Twingate service key JSON file to check (never printed; default: the one recorded by steps 4 and 5).',
			'service-account': 'The Twingate service key JSON file (checked, never printed; made 0600); the docker run line mounts it read-only, never copied.',
		},
	},
	out: {type: 'string', value: 'DIR', help: 'Folder for the deployment files (default ./ailice-twingate).'},
	'ollama-here': {
		type: 'boolean',
		help: 'With --role client: Ollama runs on this same machine as AIlice, so a loopback --url (localhost, 127.0.0.1) is right. Without it and without a terminal, a loopback --url is refused (exit 2): use the Twingate Resource alias.',
		helpIn: {doctor: 'Ollama runs on this same machine as AIlice: skip the Twingate checks (nothing goes through the tunnel).'},
	},
	// Server side, steps 1–3.
	connector: {type: 'string', value: 'WHERE', help: 'Step 1, where the Twingate Connector runs: docker-here (Docker on this machine), systemd-here (the Twingate systemd Connector on this machine, Linux only; installed with Twingate\'s setup.sh), lan-machine (another always-on LAN machine), linux-vm (a Linux VM on this machine), existing (already running), skip. Tokens for docker-here and systemd-here: typed masked, or TWINGATE_ACCESS_TOKEN / TWINGATE_REFRESH_TOKEN in the environment (never a flag).'},
	'twingate-network': {type: 'string', value: 'NAME', help: 'Step 1, your Twingate network (acme for acme.twingate.com), for the Connector command.'},
	'twingate-client': {type: 'string', value: 'use|skip', help: 'Step 1, the optional Twingate client on this machine (macOS app / Linux client); needed only if this machine must itself reach Resources (default skip).'},
	'resource-address': {type: 'string', value: 'HOST', help: 'Step 1/3, the Resource address: this machine as the Connector reaches it (default: dockerhost for docker-here on macOS, else the LAN IP — a Docker Connector on Linux runs with --network=host; never 100.64.0.0/10).'},
	method: {type: 'string', value: 'METHOD', help: 'Step 2, how Ollama gets OLLAMA_HOST: app-setting (the app\'s "Expose Ollama to the network"), setenv (launchctl setenv; lost on reboot), launchagent (~/Library/LaunchAgents/com.ollama.server.plist), brew (stop the brew service, then the LaunchAgent), systemd (Linux drop-in).'},
	bind: {type: 'string', value: 'HOST:PORT', help: 'Step 2, the address Ollama listens on, no scheme: 0.0.0.0:11434 (every interface, as in Ollama\'s FAQ) or this machine\'s LAN IP (safer). Ollama has no authentication.'},
	alias: {type: 'string', value: 'NAME', help: 'Step 1/3, the Twingate Resource alias clients use: at least one dot, not .local, e.g. ollama.home.internal.'},
	'resource-ready': {type: 'boolean', help: 'Step 1: you have created the Twingate Resource as the checklist says (address, TCP 11434 only, alias, access; its Connector shows Connected), so scripts can finish step 1 without a prompt. The wizard cannot see the Admin Console.'},
	'twingate-client-wait': {type: 'string', value: 'yes|no', help: 'Step 1, with --twingate-client use: wait up to 90 s for the client to connect after starting it (default yes); no goes on at once and the check reports its state.'},
	'docker-probe': {type: 'string', value: 'yes|no', help: 'Step 2, with --connector docker-here and Ollama on loopback: run a throwaway curl container to test whether the Connector reaches Ollama on loopback (macOS: dockerhost; Linux: --network=host to 127.0.0.1, with --resource-address 127.0.0.1). If it does, Ollama stays on loopback. Default: asked on a terminal, not run without one.'},
	// undo
	list: {type: 'boolean', help: 'undo: list the recorded runs, newest first, with what each changed; changes nothing.'},
	run: {type: 'string', value: 'ID', help: 'undo: the run to undo (an id from undo --list; default the newest run not yet undone).'},
	platform: {type: 'string', value: 'darwin|linux', help: 'With --dry-run and --role server only: plan steps 1–3 for that OS on any machine (nothing is detected or run; the plan states its assumptions).'},
};

/** Flags that may be repeated for a command; the values arrive as a list under the given option name. */
export const REPEATED_FLAGS: Partial<Record<Command, Record<string, string>>> = {
	'configure-ailice': {model: 'models'},
	'service-account': {model: 'models'},
};

export const COMMAND_FLAGS: Record<Command, string[]> = {
	setup: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model', 'samples', 'timeout-ms', 'chat-timeout-ms', 'card', 'ailice-config', 'provider', 'set-default', 'context-window', 'dotenv', 'service-key-file', 'out', 'ollama-here', 'connector', 'twingate-network', 'twingate-client', 'twingate-client-wait', 'resource-ready', 'resource-address', 'method', 'bind', 'docker-probe', 'alias', 'platform'],
	test: ['help', 'json', 'plain', 'url', 'model', 'samples', 'timeout-ms', 'chat-timeout-ms'],
	doctor: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model', 'timeout-ms', 'samples', 'perf', 'fix', 'ailice-config', 'provider', 'set-default', 'context-window', 'connector', 'twingate-network', 'twingate-client', 'twingate-client-wait', 'resource-ready', 'resource-address', 'method', 'bind', 'docker-probe', 'alias', 'ollama-here', 'service-key-file'],
	repair: ['help', 'json', 'plain', 'yes', 'dry-run', 'role', 'url', 'model', 'connector', 'twingate-network', 'twingate-client', 'twingate-client-wait', 'resource-ready', 'resource-address', 'method', 'bind', 'docker-probe', 'alias'],
	undo: ['help', 'json', 'plain', 'yes', 'dry-run', 'list', 'run'],
	'configure-ailice': ['help', 'json', 'plain', 'yes', 'dry-run', 'url', 'card', 'model', 'ailice-config', 'provider', 'set-default', 'context-window', 'dotenv', 'service-key-file', 'timeout-ms'],
	'service-account': ['help', 'json', 'plain', 'yes', 'dry-run', 'out', 'service-key-file', 'url', 'card', 'model', 'provider'],
};

