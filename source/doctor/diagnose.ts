/**
 * One sentence naming the broken layer and what to do, from a troubleshooting decision table, with
 * the evidence it used. The order is the data path: the first broken layer along
 * Client → Connector → Resource (Ollama) explains the rest.
 */
import type {StepId} from '../core/types.js';
import type {CheckRecord, Layer} from './types.js';

export interface Diagnosis {
	/** null when nothing is broken. */
	cause: string | null;
	layer: Layer | null;
	message: string;
	fix: string | null;
	/** The wizard step that can fix it itself (`f` / --fix), if any. */
	fixStep: StepId | null;
	evidence: {check: string; saw: string}[];
}

interface Rule {
	cause: string;
	layer: Layer;
	message: string;
	fix: string;
	fixStep?: StepId;
	/** Causes reported by checks (or by the connection test) that mean this. */
	when: string[];
}

/** In priority order: the first matching rule wins. */
export const RULES: Rule[] = [
	{
		cause: 'ollama-not-running',
		layer: 'ollama',
		when: ['ollama-not-running'],
		message: 'Ollama is not running on the Ollama host, so nothing can reach it.',
		fix: 'Start Ollama (the app: open -a Ollama; brew: brew services start ollama; Linux: sudo systemctl start ollama), then rerun doctor.',
	},
	{
		cause: 'two-servers',
		layer: 'ollama',
		when: ['two-servers'],
		message: 'Two Ollama servers hold port 11434, so local and remote clients see different servers and model stores.',
		fix: 'Keep one install: quit the app and turn off its login item, or run brew services stop ollama, then let step 2 configure the one you keep.',
		fixStep: 'ollama-remote-access',
	},
	{
		cause: 'loopback-bind',
		layer: 'ollama',
		when: ['loopback-bind', 'refused'],
		message: 'Nothing accepts connections on the Ollama port from outside: Ollama listens only on 127.0.0.1 (its default) or is not running.',
		fix: 'Make Ollama listen on the LAN address or 0.0.0.0:11434 (wizard step 2 does it with the method that fits your install).',
		fixStep: 'ollama-remote-access',
	},
	{
		cause: 'firewall',
		layer: 'network',
		when: ['firewall', 'reset'],
		message: 'A firewall on the Ollama host drops or closes connections to port 11434.',
		fix: 'Allow Ollama in the firewall (macOS: socketfilterfw --unblockapp <ollama path>; Linux: ufw allow from <connector-ip> to any port 11434 proto tcp).',
	},
	{
		cause: 'tunnel-down',
		layer: 'twingate',
		when: ['tunnel-down', 'dns', 'unreachable'],
		message: 'The tunnel is down: the Twingate Client here is not online, so the Resource alias does not resolve or route.',
		fix: 'Start the Twingate Client and wait for online (Linux: twingate start; twingate status), and check the Connector shows Connected in the Admin Console.',
	},
	{
		cause: 'resource-missing',
		layer: 'twingate',
		when: ['resource-missing'],
		message: 'The Ollama Resource is missing or not granted to this client, so its alias is unknown here.',
		fix: 'In the Admin Console add the Resource (the Ollama host as seen from the Connector, TCP 11434, alias e.g. ollama.home.internal) and grant it to your group or service account.',
	},
	{
		cause: 'wrong-address',
		layer: 'network',
		when: ['wrong-address', 'not-found'],
		message: 'The address or path is wrong: a 100.x handle copied from another machine, 0.0.0.0 used as a destination, or a missing/doubled /v1.',
		fix: 'Use http://<Resource alias>:11434 for the test and http://<Resource alias>:11434/v1 as AIlice’s baseURL (wizard step 4 writes it).',
		fixStep: 'ailice-config',
	},
	{
		cause: 'host-header',
		layer: 'ollama',
		when: ['forbidden', 'host-header'],
		message: 'Ollama answers 403: it is bound to loopback behind a proxy or tunnel and rejects the Host header (or an Origin).',
		fix: 'Bind Ollama to the LAN address (step 2), use an alias ending in .internal, or rewrite Host to localhost:11434 in the proxy.',
		fixStep: 'ollama-remote-access',
	},
	{
		cause: 'model-missing',
		layer: 'ailice',
		when: ['model-missing'],
		message: 'The configured model is not on the server (names must match /api/tags exactly; llama3:2 is not llama3.2).',
		fix: 'Pick a model the server lists (wizard step 4 rewrites AIlice’s modelList), or pull it on the Ollama host: ollama pull <model>.',
		fixStep: 'ailice-config',
	},
	{
		cause: 'not-ollama',
		layer: 'network',
		when: ['not-ollama'],
		message: 'Something other than Ollama answers at that address and port.',
		fix: 'Check the Resource address and port 11434 point at the Ollama host.',
	},
	{
		cause: 'too-large',
		layer: 'ollama',
		when: ['too-large'],
		message: 'Ollama answers, but its model list is larger than the wizard reads, so the models cannot be checked.',
		fix: 'Remove the models you do not use on the Ollama host (ollama list; ollama rm <model>), or check that the address and port point at Ollama.',
	},
	{
		cause: 'server-error',
		layer: 'ollama',
		when: ['server-error'],
		message: 'Ollama fails while running the model (often out of memory during load).',
		fix: 'Read the server log on the Ollama host and try a smaller model.',
	},
	{
		cause: 'cold-load',
		layer: 'ollama',
		when: ['cold-load'],
		message: 'Ollama answers, but the model takes longer to start replying than allowed: it is loading, and AIlice gives up after 60 s.',
		fix: 'On the Ollama host keep the model loaded (OLLAMA_KEEP_ALIVE=24h, or -1) and preload it before starting AIlice; ollama-tunnel-wizard test measures the load time.',
	},
	{
		cause: 'ailice-config',
		layer: 'ailice',
		when: ['ailice-config'],
		message: "AIlice's config.json has no working Ollama provider, so AIlice cannot reach Ollama even though the path works.",
		fix: 'Run step 4 (ollama-tunnel-wizard configure-ailice --url http://<alias>:11434 --model <name> --set-default --yes, or doctor --fix).',
		fixStep: 'ailice-config',
	},
	{
		cause: 'timeout',
		layer: 'network',
		when: ['timeout'],
		message: 'The Ollama host does not answer in time: packets are dropped by a firewall, or the tunnel or Connector is down.',
		fix: 'Check the firewall on the Ollama host and that the Connector shows Connected; retry with a longer --timeout-ms on a slow link.',
	},
];

/** From the AIlice side the path starts at the tunnel: Client → Connector → Resource (Ollama). */
const CLIENT_FIRST = ['wrong-address', 'tunnel-down', 'resource-missing'];

export function diagnose(records: readonly CheckRecord[], role: 'server' | 'client' = 'server'): Diagnosis {
	// Evidence-based inference: when the tunnel checks passed, silence from the Ollama host is a
	// firewall dropping packets there, not the tunnel.
	const tunnelUp = records.some((r) => r.id === 'twingate.client' && r.status === 'ok');
	const broken = records
		.filter((r) => (r.status === 'fail' || (r.status === 'warn' && r.cause)) && r.cause)
		.map((r) => (r.cause === 'timeout' && tunnelUp ? {...r, cause: 'firewall'} : r));
	const rules = role === 'client' ? [...RULES.filter((r) => CLIENT_FIRST.includes(r.cause)), ...RULES.filter((r) => !CLIENT_FIRST.includes(r.cause))] : RULES;
	for (const rule of rules) {
		const hits = broken.filter((r) => r.cause && rule.when.includes(r.cause));
		if (hits.length) {
			const notInstalled = rule.cause === 'tunnel-down' && hits.some((h) => /not installed/.test(h.detail));
			return {
				cause: rule.cause,
				layer: rule.layer,
				message: notInstalled ? 'The Twingate Client is not installed on this machine, so nothing can reach the Resource alias.' : rule.message,
				fix: notInstalled
					? 'Install the Twingate Client here (Linux: curl -s https://binaries.twingate.com/client/linux/install.sh | sudo bash; macOS: brew install --cask twingate), sign in or set up a service key, then start it.'
					: rule.fix,
				fixStep: rule.fixStep ?? null,
				evidence: hits.map((h) => ({check: h.id, saw: h.detail})),
			};
		}
	}
	const crashed = records.filter((r) => r.status === 'crash');
	const failed = records.filter((r) => r.status === 'fail');
	if (failed.length || crashed.length) {
		const first = failed[0] ?? crashed[0];
		return {
			cause: 'other',
			layer: first?.layer ?? null,
			message: `${first?.title ?? 'A check'} failed: ${first?.detail ?? ''}`,
			fix: first?.finding?.fix ?? null,
			fixStep: first?.fixStep ?? null,
			evidence: [...failed, ...crashed].map((r) => ({check: r.id, saw: r.detail})),
		};
	}
	return {cause: null, layer: null, message: 'All required checks passed.', fix: null, fixStep: null, evidence: []};
}
