/**
 * Troubleshooting, performance and security advice as live read-only checks (Ollama's FAQ,
 * https://docs.ollama.com/faq, and Twingate's docs, https://www.twingate.com/docs). What a check
 * quotes from a server, a file or a command is cleaned of terminal escapes before it is shown.
 */
import {NetError, type Ctx, type HttpResponse} from '../core/context.js';
import {testConnection, latencyStats, type ConnectionReport} from '../core/connection-test.js';
import {isCgnat} from '../core/ip.js';
import {tagsReply, versionReply, isCloudModel, TAGS_MAX_BYTES} from '../core/ollama-api.js';
import {sanitizeText} from '../core/sanitize.js';
import {formatBytes, sizeReached} from '../core/connection-test.js';
import {parseAppBlocked, parseFirewallGlobalState} from '../parsers/firewall.js';
import {parseLsofListeners, parseSsListeners, summariseListeners, type ListenerSummary} from '../parsers/listeners.js';
import {isAtLeast} from '../parsers/ollama-cli.js';
import {parseOllamaHostValue} from '../parsers/ollama-host.js';
import {parseTwingateResources, parseTwingateStatus, parseScutilNcList} from '../parsers/twingate.js';
import {parseDockerPsConnectors, parseSystemctlIsActive} from '../parsers/docker.js';
import type {CheckOutcome, DoctorCheck, DoctorInput, Memo} from './types.js';
import {envFileCheck, keyFileCheck} from './security.js';
import {ailiceBaseUrl, ailiceModel} from './ailice.js';

export const LOCAL_OLLAMA = 'http://127.0.0.1:11434';
// Install detection lives with the server steps (source/server/detect.ts); CVE-2026-7482 is fixed in 0.17.1.
export {MIN_SAFE_OLLAMA, OLLAMA_BINARIES, findOllamaBinary} from '../server/detect.js';
import {MIN_SAFE_OLLAMA, findOllamaBinary} from '../server/detect.js';
import {count} from '../core/words.js';

/**
 * The local server as the Ollama CLI finds it: OLLAMA_HOST if set, with 0.0.0.0/:: replaced by
 * loopback (as Ollama's own client does); otherwise 127.0.0.1:11434.
 */
export function localOllamaUrl(ctx: Ctx): string {
	const raw = ctx.env.OLLAMA_HOST;
	if (!raw) return LOCAL_OLLAMA;
	const v = parseOllamaHostValue(raw);
	const host = v.scope === 'all' ? '127.0.0.1' : v.host.includes(':') ? `[${v.host}]` : v.host;
	return `${v.scheme}://${host}:${v.port}`;
}

async function localGet(ctx: Ctx, path: string, input: DoctorInput, maxBodyBytes = 2 * 1024 * 1024): Promise<HttpResponse> {
	return ctx.http.request(`${localOllamaUrl(ctx)}${path}`, {timeoutMs: input.timeoutMs, maxBodyBytes});
}

function parseJson(text: string): unknown {
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return undefined;
	}
}

function netCode(error: unknown): string {
	return error instanceof NetError ? error.code : 'EUNKNOWN';
}

export function listenerSummary(ctx: Ctx, memo: Memo): Promise<ListenerSummary | {error: string}> {
	return memo.get('listeners', async () => {
		const r =
			ctx.platform === 'darwin'
				? await ctx.run('lsof', ['-nP', '-iTCP:11434', '-sTCP:LISTEN'])
				: await ctx.run('ss', ['-ltnp', 'sport = :11434']);
		if (r.notFound) return {error: `${ctx.platform === 'darwin' ? 'lsof' : 'ss'} is not installed`};
		// lsof exits 1 with no output when nothing listens.
		if (ctx.platform === 'darwin' && r.exitCode === 1 && r.stdout.trim() === '') return summariseListeners([]);
		const parsed = ctx.platform === 'darwin' ? parseLsofListeners(r.stdout) : parseSsListeners(r.stdout);
		if (!parsed.ok) return {error: parsed.problem};
		return summariseListeners(parsed.listeners);
	});
}

const ollamaLocal: DoctorCheck = {
	id: 'ollama.local',
	layer: 'ollama',
	title: 'Ollama answers locally (GET 127.0.0.1:11434/api/tags)',
	roles: ['server'],
	required: true,
	fixStep: 'ollama-remote-access',
	async run(ctx, input) {
		let r: HttpResponse;
		try {
			r = await localGet(ctx, '/api/tags', input, TAGS_MAX_BYTES);
		} catch (error) {
			const code = netCode(error);
			const where = localOllamaUrl(ctx).replace(/^https?:\/\//, '');
			if (code === 'ECONNREFUSED') return {status: 'fail', detail: `nothing answers on ${where}`, cause: 'ollama-not-running', evidence: {code}};
			return {status: 'fail', detail: `no answer on ${where} (${code})`, cause: 'ollama-not-running', evidence: {code}};
		}
		if (r.status !== 200) return {status: 'fail', detail: `HTTP ${r.status} from /api/tags`, cause: r.status === 403 ? 'host-header' : 'not-ollama'};
		// A model list longer than the wizard reads is what it is, never "not Ollama" nor "not running".
		if (r.truncated) return {status: 'fail', detail: `the model list of /api/tags is too large to read (${sizeReached(r, TAGS_MAX_BYTES)})`, cause: 'too-large', evidence: {limit: formatBytes(TAGS_MAX_BYTES)}};
		const parsed = tagsReply.safeParse(parseJson(r.text));
		if (!parsed.success) return {status: 'fail', detail: '/api/tags is not in Ollama’s format', cause: 'not-ollama'};
		const names = (parsed.data.models ?? []).filter((m) => !isCloudModel(m)).map((m) => m.name);
		return {status: 'ok', detail: `answers; ${count(names.length, 'local model')}${names.length ? `: ${names.slice(0, 4).join(', ')}${names.length > 4 ? ', …' : ''}` : ''}`, evidence: {models: names}};
	},
};

const ollamaListen: DoctorCheck = {
	id: 'ollama.listen',
	layer: 'ollama',
	title: 'Port 11434 listening, and on which address',
	roles: ['server'],
	required: true,
	fixStep: 'ollama-remote-access',
	async run(ctx, input, memo) {
		const s = await listenerSummary(ctx, memo);
		if ('error' in s) return {status: 'fail', detail: s.error};
		const evidence = {state: s.state, address: s.address, pids: s.pids};
		switch (s.state) {
			case 'none':
				return {status: 'fail', detail: s.sentence, cause: 'ollama-not-running', evidence};
			case 'loopback':
				// A Docker Connector on this Mac that reached a loopback-only Ollama (step 2's probe) needs no wider bind.
				if (input.dockerProbe === 'reachable') return {status: 'ok', detail: `${s.sentence} The Docker Connector on this machine reaches it (step 2's probe passed), so no wider bind is needed.`, evidence};
				return {status: 'fail', detail: `${s.sentence} Only this machine can connect; a Connector elsewhere cannot.`, cause: 'loopback-bind', evidence};
			case 'duplicate':
				return {status: 'fail', detail: s.sentence, cause: 'two-servers', evidence};
			default:
				return {status: 'ok', detail: s.sentence, evidence};
		}
	},
};

/** How to update Ollama where it runs: the app updates itself, brew upgrades, Linux reruns the installer. */
function upgradeAdvice(platform: NodeJS.Platform | 'remote'): {fix: string; commands?: string[][]} {
	if (platform === 'darwin') return {fix: 'Update Ollama: the app updates itself (quit and reopen it, or download the new version); a Homebrew install: brew upgrade ollama.', commands: [['brew', 'upgrade', 'ollama']]};
	if (platform === 'linux') return {fix: 'Update Ollama by rerunning its installer: curl -fsSL https://ollama.com/install.sh | sh'};
	return {fix: 'Update Ollama on the Ollama host (the app updates itself; brew upgrade ollama; on Linux rerun https://ollama.com/install.sh).'};
}

function versionOutcome(version: string | null, where: string, platform: NodeJS.Platform | 'remote'): CheckOutcome {
	if (!version) return {status: 'skipped', detail: `${where} did not report its version`};
	if (isAtLeast(version, MIN_SAFE_OLLAMA)) return {status: 'ok', detail: `Ollama ${version}`, evidence: {version}};
	return {
		status: 'warn',
		detail: `${where} runs Ollama ${version}, older than 0.17.1, the fix for CVE-2026-7482 ("Bleeding Llama")`,
		evidence: {version},
		finding: {severity: 'high', ...upgradeAdvice(platform)},
	};
}

const ollamaVersion: DoctorCheck = {
	id: 'security.version',
	layer: 'security',
	title: `Ollama version ≥ ${MIN_SAFE_OLLAMA} (known CVEs fixed)`,
	roles: ['server'],
	required: false,
	async run(ctx, input, memo) {
		const version = await memo.get('local-version', async () => {
			try {
				const r = await localGet(ctx, '/api/version', input);
				const p = versionReply.safeParse(parseJson(r.text));
				return p.success ? p.data.version : null;
			} catch {
				return null;
			}
		});
		return versionOutcome(version, 'This machine', ctx.platform);
	},
};

/** The same check from the AIlice side, on the version the connection test saw. */
const remoteVersion: DoctorCheck = {
	id: 'security.version',
	layer: 'security',
	title: `Ollama version ≥ ${MIN_SAFE_OLLAMA} on the server (known CVEs fixed)`,
	roles: ['client'],
	required: false,
	async run(ctx, input, memo) {
		const report = await remoteReport(ctx, input, memo);
		return versionOutcome(report?.version ?? null, 'The Ollama server', 'remote');
	},
};

const securityBind: DoctorCheck = {
	id: 'security.bind',
	layer: 'security',
	title: 'Ollama bound to a specific address rather than 0.0.0.0',
	roles: ['server'],
	required: false,
	async run(ctx, _input, memo) {
		const s = await listenerSummary(ctx, memo);
		if ('error' in s || s.state === 'none' || s.state === 'duplicate') return {status: 'skipped', detail: 'no single listener to judge'};
		if (s.state === 'all') {
			return {
				status: 'warn',
				detail: 'Ollama listens on every interface and has no authentication: anyone who can reach port 11434 can use, pull and delete models.',
				finding: {
					severity: 'medium',
					fix: 'Bind the LAN address the Connector uses (OLLAMA_HOST=<LAN IP>:11434) and firewall 11434 to the Connector host (Linux: ufw allow from <connector-ip> to any port 11434 proto tcp).',
				},
			};
		}
		return {status: 'ok', detail: s.state === 'loopback' ? 'loopback only (not exposed)' : `bound to ${s.address}`};
	},
};

const firewallMac: DoctorCheck = {
	id: 'network.firewall',
	layer: 'network',
	title: 'macOS application firewall lets Ollama accept connections',
	roles: ['server'],
	platforms: ['darwin'],
	required: true,
	async run(ctx, _input, memo) {
		const tool = '/usr/libexec/ApplicationFirewall/socketfilterfw';
		const g = await memo.get('fw-global', () => ctx.run(tool, ['--getglobalstate']));
		const state = parseFirewallGlobalState(g.stdout);
		if (state === 'off') return {status: 'ok', detail: 'firewall is off', evidence: {state}};
		if (state === 'block-all') {
			return {status: 'fail', detail: 'the firewall blocks all incoming connections', cause: 'firewall', evidence: {state}, finding: {severity: 'low', fix: 'System Settings → Network → Firewall → Options: turn off "Block all incoming connections".'}};
		}
		const bin = await findOllamaBinary(ctx);
		if (!bin) return {status: 'warn', detail: `firewall is ${state}; Ollama's binary was not found to check it`, evidence: {state}};
		const a = parseAppBlocked((await ctx.run(tool, ['--getappblocked', bin])).stdout);
		const unblock = [['sudo', tool, '--add', bin], ['sudo', tool, '--unblockapp', bin]];
		if (a === 'blocked') return {status: 'fail', detail: `${bin} is blocked by the application firewall`, cause: 'firewall', evidence: {state, app: a}, finding: {severity: 'low', fix: 'Allow Ollama in the application firewall.', commands: unblock}};
		if (a === 'not-listed') return {status: 'warn', detail: `${bin} is not listed in the application firewall; macOS may ask or block`, evidence: {state, app: a}, finding: {severity: 'low', fix: 'Add and allow Ollama in the firewall.', commands: unblock}};
		return {status: 'ok', detail: `firewall on; ${bin} is allowed`, evidence: {state, app: a}};
	},
};

const securityFirewallOff: DoctorCheck = {
	id: 'security.firewall-off',
	layer: 'security',
	title: 'Application firewall enabled',
	roles: ['server'],
	platforms: ['darwin'],
	required: false,
	async run(ctx, _input, memo) {
		const g = await memo.get('fw-global', () => ctx.run('/usr/libexec/ApplicationFirewall/socketfilterfw', ['--getglobalstate']));
		const state = parseFirewallGlobalState(g.stdout);
		if (state !== 'off') return {status: 'ok', detail: `firewall ${state}`};
		return {status: 'warn', detail: 'the application firewall is off', finding: {severity: 'medium', fix: 'Turn it on and allow only Ollama.', commands: [['sudo', '/usr/libexec/ApplicationFirewall/socketfilterfw', '--setglobalstate', 'on']]}};
	},
};

/** Linux firewalls, the first one present: ufw, firewalld, then a raw nftables ruleset. */
export async function linuxFirewall(ctx: Ctx): Promise<CheckOutcome> {
	const ufw = await ctx.run('ufw', ['status']);
	if (!ufw.notFound) {
		if (ufw.exitCode !== 0) return {status: 'skipped', detail: `ufw status needs root (${ufw.stderr.trim().split('\n')[0] || `exit ${ufw.exitCode}`}); run doctor with sudo to check it`};
		if (/Status:\s*inactive/i.test(ufw.stdout)) return {status: 'ok', detail: 'ufw is inactive'};
		if (/\b11434(\/tcp)?\b.*ALLOW/i.test(ufw.stdout)) return {status: 'ok', detail: 'ufw allows 11434'};
		return {status: 'fail', detail: 'ufw is active and has no rule allowing 11434', cause: 'firewall', finding: {severity: 'low', fix: 'Allow the Connector host only.', commands: [['sudo', 'ufw', 'allow', 'from', '<connector-ip>', 'to', 'any', 'port', '11434', 'proto', 'tcp']]}};
	}
	const firewalld = await ctx.run('firewall-cmd', ['--state']);
	if (!firewalld.notFound) {
		if (!/running/.test(firewalld.stdout)) return {status: 'ok', detail: 'firewalld is not running'};
		const ports = await ctx.run('firewall-cmd', ['--list-ports']);
		const rich = await ctx.run('firewall-cmd', ['--list-rich-rules']);
		if (/\b11434\/tcp\b/.test(ports.stdout) || /port="11434"/.test(rich.stdout)) return {status: 'ok', detail: 'firewalld allows 11434/tcp'};
		return {
			status: 'fail',
			detail: 'firewalld is running and does not allow 11434/tcp',
			cause: 'firewall',
			finding: {severity: 'low', fix: 'Allow the Connector host only, then reload.', commands: [['sudo', 'firewall-cmd', '--permanent', '--add-rich-rule=rule family="ipv4" source address="<connector-ip>" port port="11434" protocol="tcp" accept'], ['sudo', 'firewall-cmd', '--reload']]},
		};
	}
	const nft = await ctx.run('nft', ['list', 'ruleset']);
	if (nft.notFound) return {status: 'skipped', detail: 'no ufw, firewalld or nft found'};
	if (nft.exitCode !== 0) return {status: 'skipped', detail: 'nft list ruleset needs root; run doctor with sudo to check it'};
	// An input hook with a drop policy and no rule naming 11434 drops Ollama's port.
	const dropping = /hook input[^\n]*policy drop/.test(nft.stdout);
	if (!dropping) return {status: 'ok', detail: nft.stdout.trim() ? 'nftables input policy accepts' : 'no nftables rules'};
	if (/dport\s+(?:\{[^}]*\b11434\b[^}]*\}|11434\b)[^\n]*accept/.test(nft.stdout)) return {status: 'ok', detail: 'nftables drops by default but accepts 11434'};
	return {status: 'fail', detail: 'nftables drops incoming traffic by default and no rule accepts 11434', cause: 'firewall', finding: {severity: 'low', fix: 'Add an accept rule for TCP 11434 from the Connector host to your input chain (e.g. nft add rule inet filter input ip saddr <connector-ip> tcp dport 11434 accept).'}};
}

const firewallLinux: DoctorCheck = {
	id: 'network.firewall',
	layer: 'network',
	title: 'Linux firewall (ufw, firewalld or nftables) lets port 11434 in',
	roles: ['server'],
	platforms: ['linux'],
	required: true,
	run: (ctx) => linuxFirewall(ctx),
};

const securityOrigins: DoctorCheck = {
	id: 'security.origins',
	layer: 'security',
	title: 'OLLAMA_ORIGINS is not "*"',
	roles: ['server'],
	required: false,
	async run(ctx) {
		let value: string | undefined;
		if (ctx.platform === 'darwin') {
			const r = await ctx.run('launchctl', ['getenv', 'OLLAMA_ORIGINS']);
			value = r.stdout.trim() || undefined;
		} else {
			const r = await ctx.run('systemctl', ['show', 'ollama', '--property=Environment']);
			value = /OLLAMA_ORIGINS=("?)([^"\s]*)\1/.exec(r.stdout)?.[2];
		}
		value ??= ctx.env.OLLAMA_ORIGINS;
		if (value && value.split(',').map((v) => v.trim()).includes('*')) {
			return {
				status: 'warn',
				detail: 'OLLAMA_ORIGINS is "*": any web page you visit can call a LAN-bound Ollama',
				finding: {severity: 'high', fix: 'Remove "*" from OLLAMA_ORIGINS (list only the origins you need) and restart Ollama.', commands: ctx.platform === 'darwin' ? [['launchctl', 'unsetenv', 'OLLAMA_ORIGINS']] : undefined},
			};
		}
		return {status: 'ok', detail: value ? `OLLAMA_ORIGINS=${value}` : 'OLLAMA_ORIGINS not set (built-in origins only)'};
	},
};

const connectorRunning: DoctorCheck = {
	id: 'twingate.connector',
	layer: 'twingate',
	title: 'A Twingate Connector runs on this machine',
	roles: ['server'],
	required: false,
	fixStep: 'twingate-network',
	async run(ctx) {
		const docker = await ctx.run('docker', ['ps', '--format', '{{json .}}']);
		if (!docker.notFound && docker.exitCode === 0) {
			const p = parseDockerPsConnectors(docker.stdout);
			if (p.ok && p.connectors.length) return {status: 'ok', detail: `Connector container ${p.connectors.map((c) => c.name).join(', ')} is running`};
		}
		if (ctx.platform === 'linux') {
			const s = parseSystemctlIsActive((await ctx.run('systemctl', ['is-active', 'twingate-connector'])).stdout);
			if (s === 'active') return {status: 'ok', detail: 'twingate-connector service is active'};
		}
		return {status: 'warn', detail: 'no Connector runs here; that is fine only if one runs on another always-on machine of this network'};
	},
};

const twingateClient: DoctorCheck = {
	id: 'twingate.client',
	layer: 'twingate',
	title: 'Twingate Client online on this machine',
	roles: ['client'],
	required: true,
	async run(ctx, input, memo) {
		if (input.ollamaHere) return {status: 'skipped', detail: 'Ollama runs on this machine (--ollama-here): no tunnel is needed'};
		if (ctx.platform === 'darwin') {
			// The macOS app has no CLI: pgrep and scutil only.
			const running = await ctx.run('pgrep', ['-x', 'Twingate']);
			if (running.exitCode !== 0) return {status: 'fail', detail: 'the Twingate app is not running', cause: 'tunnel-down', finding: {severity: 'low', fix: 'Start it: open -a Twingate', commands: [['open', '-a', 'Twingate']]}};
			const nc = parseScutilNcList((await ctx.run('scutil', ['--nc', 'list'])).stdout);
			if (nc.ok && nc.connected) return {status: 'ok', detail: 'Twingate app running and connected'};
			if (nc.ok && nc.connected === false) return {status: 'fail', detail: `the Twingate app is running but ${nc.state}`, cause: 'tunnel-down', finding: {severity: 'low', fix: 'Click the Twingate menu-bar icon and connect (log in if asked).'}};
			return {status: 'warn', detail: 'the Twingate app is running; connection state unknown (check the menu bar)', evidence: {scutil: nc.ok ? nc.state : null}};
		}
		const r = await memo.get('tg-status', () => ctx.run('twingate', ['status'], {timeoutMs: 5000}));
		if (r.notFound) return {status: 'fail', detail: 'the Twingate Client is not installed (twingate not found)', cause: 'tunnel-down', finding: {severity: 'high', fix: 'Install the Linux client: curl -s https://binaries.twingate.com/client/linux/install.sh | sudo bash'}};
		const status = parseTwingateStatus(r.stdout);
		if (status === 'online') return {status: 'ok', detail: 'twingate status: online'};
		return {status: 'fail', detail: `twingate status: ${status === 'unknown' ? JSON.stringify(r.stdout.trim().slice(0, 40)) : status}`, cause: 'tunnel-down', evidence: {status}, finding: {severity: 'low', fix: 'Start the client and wait until `twingate status` prints online.', commands: [['twingate', 'start']]}};
	},
};

const twingateResources: DoctorCheck = {
	id: 'twingate.resources',
	layer: 'twingate',
	title: 'The Ollama Resource is visible to this client',
	roles: ['client'],
	platforms: ['linux'],
	required: true,
	async run(ctx, input) {
		if (input.ollamaHere) return {status: 'skipped', detail: 'Ollama runs on this machine: no Twingate Resource is needed'};
		const alias = input.alias ?? input.url?.host;
		if (!alias) return {status: 'skipped', detail: 'no alias or URL known (pass --url)'};
		const r = await ctx.run('twingate', ['resources'], {timeoutMs: 5000});
		if (r.notFound) return {status: 'skipped', detail: 'the Twingate Client is not installed'};
		const p = parseTwingateResources(r.stdout);
		if (!p.ok) return {status: 'fail', detail: p.problem, cause: 'resource-missing'};
		const hit = p.resources.find((x) => x.alias?.toLowerCase() === alias.toLowerCase() || x.address.toLowerCase() === alias.toLowerCase());
		if (!hit) return {status: 'fail', detail: `no Resource with alias or address ${alias} among ${p.resources.length}`, cause: 'resource-missing', evidence: {resources: p.resources.map((x) => x.alias ?? x.address)}};
		if (hit.auth === 'needs-auth') return {status: 'fail', detail: `${alias} needs authentication`, cause: 'resource-missing', finding: {severity: 'low', fix: `twingate auth ${hit.name}`, commands: [['twingate', 'auth', hit.name]]}};
		return {status: 'ok', detail: `Resource ${hit.name} (${alias}) is listed`};
	},
};

const aliasResolves: DoctorCheck = {
	id: 'network.resolve',
	layer: 'network',
	title: 'The alias resolves into 100.64.0.0/10 (through Twingate)',
	roles: ['client'],
	required: true,
	async run(ctx, input) {
		const url = input.url;
		if (!url) return {status: 'skipped', detail: 'no URL known (pass --url)'};
		if (input.ollamaHere) return {status: 'skipped', detail: 'Ollama runs on this machine: nothing goes through Twingate'};
		if (url.hostIsIp) {
			if (url.cgnat) return {status: 'fail', detail: `${url.host} is a 100.x handle typed by hand; it is only meaningful on the machine that assigned it`, cause: 'wrong-address'};
			return {status: 'warn', detail: `${url.host} is an IP address: traffic goes through Twingate only if a Resource covers it`};
		}
		try {
			const found = await ctx.net.lookup(url.host, input.timeoutMs);
			const tunnel = found.filter((a) => isCgnat(a.address));
			const other = found.filter((a) => !isCgnat(a.address));
			const evidence = {addresses: found.map((a) => a.address)};
			// Clients try every address in the resolver's order (as curl and Python do): one outside
			// 100.64.0.0/10 that answers first takes the traffic around the tunnel.
			if (tunnel.length && other.length) {
				return {
					status: 'warn',
					detail: `${url.host} → ${found.map((a) => `${a.address}${isCgnat(a.address) ? ' (Twingate)' : ''}`).join(', ')}: connections try these in order, so the ones outside Twingate (${other.map((a) => a.address).join(', ')}) may take the traffic around the tunnel`,
					evidence,
				};
			}
			if (tunnel.length) return {status: 'ok', detail: `${url.host} → ${tunnel.map((a) => a.address).join(', ')} (Twingate)`, evidence};
			return {status: 'warn', detail: `${url.host} → ${found.map((a) => a.address).join(', ')}: not a Twingate address, so traffic bypasses the tunnel`, evidence: {addresses: found.map((a) => a.address)}};
		} catch (error) {
			return {status: 'fail', detail: `${url.host} does not resolve (${netCode(error)})`, cause: 'dns'};
		}
	},
};

/**
 * The connection test, once per doctor run (the AIlice model check reads its model list too). The chat
 * gets 60 % of the per-check time so a slow model load is told apart from a dead link.
 */
export function remoteReport(ctx: Ctx, input: DoctorInput, memo: Memo): Promise<ConnectionReport | null> {
	return memo.get('remote-test', async () => {
		if (!input.url) return null;
		return testConnection(ctx, {url: input.url, model: input.model, samples: input.perf ? input.samples : 1, timeoutMs: input.timeoutMs, chatTimeoutMs: Math.max(500, Math.round(input.timeoutMs * 0.6))});
	});
}

const remoteTest: DoctorCheck = {
	id: 'network.test',
	layer: 'network',
	title: 'Connection test to Ollama through the tunnel (step 6)',
	roles: ['client', 'server'],
	required: true,
	async run(ctx, input, memo) {
		const report = await remoteReport(ctx, input, memo);
		if (!report) return {status: 'skipped', detail: 'no URL known (pass --url, or configure AIlice first)'};
		const evidence = {cause: report.cause, version: report.version, model: report.model, models: report.models, latencyMs: report.latencyMs, firstTokenMs: report.firstTokenMs, tokensPerSecond: report.tokensPerSecond, loadMs: report.loadMs, warnings: report.warnings};
		// Ollama answered /, /api/version and /api/tags, only the chat ran out of time: a model still
		// loading, not a firewall — AIlice would hit its 60 s limit the same way.
		if (report.cause === 'timeout' && report.version !== null && report.model !== null) {
			return {
				status: 'warn',
				detail: `Ollama answers, but ${report.model} did not reply within ${Math.round(input.timeoutMs * 0.6)} ms: it is probably still loading. Keep it loaded (OLLAMA_KEEP_ALIVE=24h on the server) and preload it; run \`ollama-tunnel-wizard test\` for the full measurement.`,
				cause: 'cold-load',
				evidence,
			};
		}
		if (report.status === 'fail') return {status: 'fail', detail: report.message, cause: report.cause ?? undefined, evidence};
		return {status: report.status, detail: report.message, evidence};
	},
};

const perfLocal: DoctorCheck = {
	id: 'perf.local',
	layer: 'network',
	title: 'Latency against 127.0.0.1 (baseline for the tunnel)',
	roles: ['server'],
	perfOnly: true,
	required: false,
	async run(ctx, input) {
		const session = ctx.http.session(localOllamaUrl(ctx), {timeoutMs: input.timeoutMs});
		try {
			const samples: number[] = [];
			for (let i = 0; i <= input.samples; i++) {
				const r = await session.request('/api/version', {timeoutMs: input.timeoutMs});
				if (i > 0) samples.push(r.totalMs);
			}
			const l = latencyStats(samples);
			return {status: 'ok', detail: `local min ${l.min} ms, p50 ${l.p50} ms, p95 ${l.p95} ms`, evidence: {latencyMs: l}};
		} catch (error) {
			return {status: 'fail', detail: `local Ollama did not answer (${netCode(error)})`};
		} finally {
			await session.close();
		}
	},
};

/** A check whose sentence is cleaned of terminal escapes and control characters (it may quote a server, a file or a command). */
function shownSafely(check: DoctorCheck): DoctorCheck {
	return {
		...check,
		async run(ctx, input, memo) {
			const outcome = await check.run(ctx, input, memo);
			return {...outcome, detail: sanitizeText(outcome.detail)};
		},
	};
}

export const DOCTOR_CHECKS: readonly DoctorCheck[] = [
	connectorRunning,
	twingateClient,
	twingateResources,
	ollamaLocal,
	ollamaListen,
	firewallMac,
	firewallLinux,
	aliasResolves,
	remoteTest,
	perfLocal,
	ollamaVersion,
	remoteVersion,
	securityBind,
	securityFirewallOff,
	securityOrigins,
	ailiceBaseUrl,
	ailiceModel,
	keyFileCheck,
	envFileCheck,
].map(shownSafely);

export type {CheckOutcome};
