/**
 * Failure causes of the connection test: exactly one code per failure, one sentence of explanation
 * and the fix, following Ollama's troubleshooting advice (https://docs.ollama.com/faq).
 */
import {isLoopback} from './ip.js';

export const CAUSES = [
	'dns',
	'unreachable',
	'refused',
	'reset',
	'timeout',
	'forbidden',
	'not-found',
	'model-missing',
	'not-ollama',
	'server-error',
	'too-large',
] as const;

export type Cause = (typeof CAUSES)[number];

export interface Diagnosis {
	cause: Cause;
	/** One sentence: which layer is broken and what to do. */
	message: string;
	fix: string;
	commands?: string[][];
}

interface Context {
	host: string;
	port: number;
	detail?: string;
	models?: string[];
	model?: string;
	path?: string;
	/** How large a reply that was too large got (e.g. "20.3 MiB, more than the 16 MiB the wizard reads"). */
	size?: string;
}

/** At most this many names in one sentence; the rest are counted. */
const NAMES_SHOWN = 20;

function nameList(names: string[]): string {
	return names.length > NAMES_SHOWN ? `${names.slice(0, NAMES_SHOWN).join(', ')} … and ${names.length - NAMES_SHOWN} more` : names.join(', ');
}

/** The wizard's own words for a failed request (real-context.ts): kept as they are. */
const OWN_WORDS = /^(?:no complete reply within \d+ ms|DNS lookup of \S+ timed out|no TCP connection to \S+ within \d+ ms|the reply grew beyond \d+ bytes|a line of the reply is too long|the request was cancelled)$/;

/**
 * What the HTTP library (undici) or Node says about a failed request, in words: "fetch failed",
 * "other side closed", "UND_ERR_SOCKET", "connect ECONNREFUSED 10.0.0.5:11434" never reach a sentence.
 */
export function plainNetText(text: string): string {
	const t = text.trim();
	if (OWN_WORDS.test(t)) return t;
	if (/ECONNREFUSED/.test(t)) return 'the connection was refused';
	if (/ENOTFOUND|EAI_AGAIN|EAI_NONAME|EAI_NODATA|getaddrinfo/.test(t)) return 'the name does not resolve';
	if (/EHOSTUNREACH|ENETUNREACH|EHOSTDOWN|ENETDOWN/.test(t)) return 'there is no route to the host';
	if (/EADDRNOTAVAIL/.test(t)) return 'the address is not available on this machine';
	if (/ETIMEDOUT|TIMEOUT|timed? ?out/i.test(t)) return 'no reply in time';
	if (/HPE_|HTTP\/1\.1 protocol|Parse Error|Expected HTTP|HTTPParserError/i.test(t)) return 'what answered does not speak HTTP';
	if (/ECONNRESET|EPIPE|UND_ERR_SOCKET|UND_ERR_CLOSED|other side closed|socket hang up|\bterminated\b|\bclosed\b/i.test(t)) return 'the connection was closed';
	if (/UND_ERR_ABORTED|AbortError|aborted/i.test(t)) return 'the request was cancelled';
	if (/fetch failed|UND_ERR_|undici|\bE[A-Z]{3,}\b|Error\b/.test(t)) return 'the request failed';
	return t;
}

/** A failure's detail: "GET /api/tags: other side closed" → "GET /api/tags: the connection was closed". */
function plainDetail(detail: string | undefined): string | undefined {
	if (detail === undefined) return undefined;
	const m = /^((?:GET|POST|HEAD) \S+|DNS lookup of \S+|TCP connect to \S+|latency sample|the chat stream): ([\s\S]*)$/.exec(detail);
	return m ? `${m[1]}: ${plainNetText(m[2] ?? '')}` : detail;
}

export function explain(cause: Cause, context: Context): Diagnosis {
	const c = {...context, detail: plainDetail(context.detail)};
	const at = `${c.host}:${c.port}`;
	switch (cause) {
		case 'dns':
			return {
				cause,
				message: `The name ${c.host} does not resolve on this machine, so the Twingate Client here is not online or the Resource alias is wrong or not granted to you.`,
				fix: `Check that the Twingate Client on this machine is online (Linux: \`twingate status\` prints online), that the Resource's alias is exactly ${c.host}, and that your group or service account has access to it.`,
				commands: [['twingate', 'status'], ['twingate', 'resources']],
			};
		case 'unreachable':
			return {
				cause,
				message: `There is no route to ${at}${c.detail ? ` (${c.detail})` : ''}: the tunnel is down or the address is wrong (a 100.x address copied from the Mac means nothing on another machine).`,
				fix: 'Use the Twingate Resource alias (e.g. http://ollama.home.internal:11434), make sure the Client here is online and the Connector is connected in the Admin Console.',
			};
		case 'refused':
			// Ollama on this very machine: it is simply not running (a loopback bind is right here).
			if (isLoopback(c.host)) {
				return {
					cause,
					message: `Nothing is listening on ${at}${c.detail ? ` (${c.detail})` : ''}: Ollama is not running on this machine (or listens on another port).`,
					fix: 'Start Ollama here (macOS: open -a Ollama, or brew services start ollama; Linux: sudo systemctl start ollama, or ollama serve) and check its port (11434 unless OLLAMA_HOST says otherwise).',
					commands: [['ollama', 'serve']],
				};
			}
			return {
				cause,
				message: `Nothing is listening on ${at}${c.detail ? ` (${c.detail})` : ''}: Ollama is not running there, or it listens only on 127.0.0.1 (its default).`,
				fix: 'On the Ollama host, start Ollama and make it listen beyond loopback (wizard step 2: OLLAMA_HOST=0.0.0.0:11434 or the LAN address), then check the Resource points at that host and port 11434.',
			};
		case 'reset':
			return {
				cause,
				message: `The connection to ${at} was accepted and then closed without a reply: a firewall drops it, or the Connector cannot reach Ollama on that port.`,
				fix: 'Allow Ollama in the firewall of the Ollama host (macOS: socketfilterfw --unblockapp <ollama path>), and check that the Resource address is the host as seen from the Connector, port 11434.',
			};
		case 'timeout':
			return {
				cause,
				message: `${at} did not answer in time${c.detail ? ` (${c.detail})` : ''}: packets are being dropped (firewall) or the tunnel or Connector is down.`,
				fix: 'Check the firewall on the Ollama host, that the Twingate Connector shows Connected, and retry with a longer --timeout-ms if the link is slow.',
			};
		case 'forbidden':
			return {
				cause,
				message: `Ollama at ${at} answered 403 with an empty body: it rejects the Host header (loopback bind behind a proxy or tunnel) or the request's Origin.`,
				fix: 'Bind Ollama to a LAN address or 0.0.0.0 instead of 127.0.0.1, or use an alias ending in .internal; behind a proxy rewrite Host to localhost:11434; for browsers add the origin to OLLAMA_ORIGINS.',
			};
		case 'not-found':
			return {
				cause,
				message: `${at} answered 404 for ${c.path ?? 'an API path'}: the path is wrong (missing or doubled /v1) or the Ollama server is too old for this endpoint.`,
				fix: 'Give the base URL as http://HOST:11434 (AIlice needs http://HOST:11434/v1, never /v1/v1), and upgrade Ollama on the server if /v1/models is missing.',
			};
		case 'model-missing': {
			const list = c.models && c.models.length > 0 ? nameList(c.models) : 'none';
			return {
				cause,
				message: c.model
					? `The model ${c.model} is not on the server at ${at}; it has: ${list}.`
					: `The server at ${at} has no local models to test with.`,
				fix: c.model
					? `Pick one of the listed names exactly as Ollama reports it, or pull it on that server: ollama pull ${c.model}`
					: 'Pull a model on the Ollama host, e.g. ollama pull llama3.2',
				commands: [['ollama', 'pull', c.model ?? 'llama3.2']],
			};
		}
		case 'not-ollama':
			return {
				cause,
				message: `What answers at ${at} is not Ollama${c.detail ? ` (${c.detail})` : ''}: another server or a proxy holds that address or port.`,
				fix: 'Check the host and port (Ollama uses 11434) and that the Resource points at the machine running Ollama.',
			};
		case 'server-error':
			return {
				cause,
				message: `Ollama at ${at} failed while serving the request${c.detail ? ` (${c.detail})` : ''}.`,
				fix: 'Read the server log on the Ollama host (~/.ollama/logs/server.log, or journalctl -u ollama); a 500 during load often means out of memory: try a smaller model.',
			};
		case 'too-large':
			return {
				cause,
				message: `The reply of ${at} to ${c.path ?? 'a request'} is too large to read${c.size ? ` (${c.size})` : ''}${c.detail ? `: ${c.detail}` : ''}.`,
				fix: 'If the server really lists that many models, remove the ones you do not use on the Ollama host (ollama rm <model>); otherwise check that the address and port point at Ollama.',
			};
	}
}

/** Maps a normalised network error code (NetError.code) to a cause. */
export function causeFromNetCode(code: string): Cause {
	switch (code) {
		case 'ENOTFOUND':
			return 'dns';
		case 'ECONNREFUSED':
			return 'refused';
		case 'EHOSTUNREACH':
		case 'ENETUNREACH':
		case 'EHOSTDOWN':
		case 'ENETDOWN':
		case 'EADDRNOTAVAIL':
			return 'unreachable';
		case 'ECONNRESET':
		case 'EPIPE':
		case 'UND_ERR_CLOSED':
			return 'reset';
		case 'ETIMEDOUT':
			return 'timeout';
		case 'ETOOBIG':
			return 'too-large';
		case 'EABORTED':
			return 'timeout';
		default:
			// undici's HTTP parser errors (HPE_*): something answered, but not in HTTP (e.g. an SSH banner).
			if (code.startsWith('HPE_') || code.startsWith('UND_ERR_')) return 'not-ollama';
			return 'unreachable';
	}
}
