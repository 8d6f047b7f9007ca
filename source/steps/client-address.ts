/**
 * Step 3 — the address clients use. Not a "Twingate IP" of this machine: a Twingate client device has
 * no address another machine can dial; clients reach Ollama through a Resource.
 *
 * check: lists this machine's IPv4 addresses per interface (`ifconfig` / `ip -j addr`) and classifies
 * them — LAN, tunnel/overlay, loopback, link-local; 100.64.0.0/10 is labelled a tunnel handle other
 * machines cannot use and is never proposed — plus `<hostname>.local`. The Resource address is what the
 * Connector uses to reach this machine (the LAN address, or `dockerhost` for a Docker Connector on a Mac;
 * a Docker Connector on Linux runs with --network=host and uses the LAN address);
 * clients use the Resource alias. Then the connection card for the AIlice side: `http://<alias>:11434`,
 * the local models (`/api/tags`, cloud entries left out) and the version, as one `otw1:` line.
 * Nothing is changed: the plan is empty. The flow saves the card in the journal (data.card).
 */
import type {Ctx} from '../core/context.js';
import {encodeCard} from '../core/card.js';
import {isCgnat} from '../core/ip.js';
import type {Answers, CheckResult, Step} from '../core/types.js';
import {addressLabel, proposableResourceAddresses} from '../parsers/interfaces.js';
import {validateBindValue} from '../parsers/ollama-host.js';
import {serverAnswers, servicePort, type ServerAnswers} from '../server/answers.js';
import {dockerResourceAddress} from '../server/connector.js';
import {localInfo, readAddresses, readHostname} from '../server/detect.js';
import {STEP_META} from './meta.js';

type Result = Omit<CheckResult, 'durationMs'>;

export const CARD_HINT = 'On the AIlice side: paste this line at step 4\'s prompt, or run `ollama-tunnel-wizard setup --role client --card <line>`.';

function cardFor(alias: string, port: number, models: string[], version: string | null): {card: string; url: string} {
	const url = `http://${alias}:${port}`;
	return {card: encodeCard({url, models, version}), url};
}

/** Why the Resource address is what it is, for a Docker Connector on this machine (empty otherwise). */
function dockerNote(platform: NodeJS.Platform, a: ServerAnswers): string {
	if (a.connector !== 'docker-here') return '';
	const alias = dockerResourceAddress(platform);
	return alias ? ` (the Docker Connector reaches this Mac as ${alias})` : ' (the Docker Connector runs with --network=host and reaches this machine on its LAN address)';
}

function simulated(ctx: Ctx, a: ServerAnswers): Result {
	const port = servicePort(a);
	const alias = a.connector === 'docker-here' ? dockerResourceAddress(ctx.platform) : null;
	const details = [
		`Nothing was detected: this plan is for ${ctx.platform === 'darwin' ? 'macOS' : 'Linux'}, made from stated assumptions (--platform).`,
		`On the Ollama host this step lists its addresses (${ctx.platform === 'darwin' ? 'ifconfig' : 'ip -j addr'}), labels 100.64.0.0/10 ones as tunnel handles, and proposes ${alias ? `${alias} (for the Docker Connector)` : 'the LAN address'} as the Resource address${alias ? '' : dockerNote(ctx.platform, a)}.`,
	];
	if (!a.alias) return {status: 'warn', summary: 'Not checked (--platform plan), and no Resource alias was given, so there is no connection card yet.', details, remediation: {text: 'Pass --alias NAME, e.g. --alias ollama.home.internal.'}};
	const {card, url} = cardFor(a.alias, port, [], null);
	details.push(`Clients will use ${url} (the Resource alias).`, 'Connection card (models and version are filled in on the real machine):', card, CARD_HINT);
	return {status: 'warn', summary: `Not checked (--platform plan); clients will use ${url}.`, details, data: {card, url, alias: a.alias, models: [], version: null, simulated: true}};
}

async function check(ctx: Ctx, answers: Answers): Promise<Result> {
	const a = serverAnswers(answers);
	if (ctx.platform !== 'darwin' && ctx.platform !== 'linux') return {status: 'skipped', summary: 'Steps 1–3 support macOS and Linux Ollama hosts only.', details: []};
	if (a.simulated) return simulated(ctx, a);
	const port = servicePort(a);
	const read = await readAddresses(ctx);
	if (!read.ok) return {status: 'fail', summary: `Could not list this machine's addresses: ${read.problem}`, details: [], cause: 'unreadable-output'};
	const hostname = await readHostname(ctx);
	const mdns = hostname ? `${hostname.split('.')[0]}.local` : null;
	const proposable = proposableResourceAddresses(read.addresses);
	const dockerAlias = a.connector === 'docker-here' ? dockerResourceAddress(ctx.platform) : null;
	const resourceAddress = a.resourceAddress ?? dockerAlias ?? proposable[0]?.address ?? null;
	const details: string[] = ['Addresses of this machine:'];
	for (const x of read.addresses) {
		const mark = x.address === resourceAddress ? '  ← Resource address' : '';
		details.push(`  ${x.iface.padEnd(10)} ${x.address.padEnd(16)} ${addressLabel(x)}${x.up === false ? ' (down)' : ''}${mark}`);
	}
	if (mdns) details.push(`  ${'mDNS'.padEnd(10)} ${mdns.padEnd(16)} works as the Resource address only if the Connector host resolves .local names`);
	const handles = read.addresses.filter((x) => x.cgnat);
	if (handles.length) {
		details.push(
			`${handles.map((x) => x.address).join(', ')}: ${handles.length > 1 ? 'these are' : 'this is a'} tunnel handle${handles.length > 1 ? 's' : ''} in 100.64.0.0/10 that this machine's own VPN client uses for Resources it accesses. No other machine can reach this one through ${handles.length > 1 ? 'them' : 'it'} — there is no "Twingate IP" of this machine. Never use ${handles.length > 1 ? 'them' : 'it'} as the Resource address.`,
		);
	}
	if (resourceAddress === null) {
		return {
			status: 'fail',
			summary: 'No LAN address was found to use as the Resource address.',
			details,
			cause: 'no-lan-address',
			remediation: {text: `Connect this machine to the LAN (Wi-Fi or Ethernet), or pass --resource-address${mdns ? ` ${mdns}` : ' NAME'} if the Connector resolves it.`},
		};
	}
	if (isCgnat(resourceAddress)) {
		return {status: 'fail', summary: `${resourceAddress} is a 100.64.0.0/10 tunnel handle, not an address the Connector can use.`, details, cause: 'wrong-address', remediation: {text: ctx.platform === 'darwin' ? 'Use the LAN address (or dockerhost for a Docker Connector on this Mac).' : 'Use this machine\'s LAN address.'}};
	}
	details.push(
		`Resource address (what the Connector uses to reach this machine): ${resourceAddress}${a.resourceAddress ? '' : dockerNote(ctx.platform, a)}.`,
	);
	const data: Record<string, unknown> = {resourceAddress, mdns, addresses: read.addresses.map((x) => ({iface: x.iface, address: x.address, kind: x.kind, cgnat: x.cgnat}))};
	if (!a.alias) {
		return {status: 'fail', summary: 'No Resource alias was chosen, so there is no address for clients yet.', details, cause: 'no-alias', remediation: {text: 'Pass --alias NAME (at least one dot, not .local), e.g. --alias ollama.home.internal.'}, data};
	}
	const bind = a.bind ? validateBindValue(a.bind) : null;
	let info = await localInfo(ctx, '127.0.0.1', port);
	if (info.models === null && bind?.ok && bind.scope === 'specific') info = await localInfo(ctx, bind.host, port);
	const {card, url} = cardFor(a.alias, port, info.models ?? [], info.version);
	details.push(`Clients use ${url} — the Resource alias, resolved by their Twingate client to a 100.x handle of their own.`);
	if (info.models !== null) details.push(`Models on this server: ${info.models.length ? info.models.join(', ') : 'none yet (pull one: ollama pull llama3.2)'}${info.version ? `; Ollama ${info.version}` : ''}.`);
	details.push('Connection card:', card, CARD_HINT);
	Object.assign(data, {card, url, alias: a.alias, models: info.models ?? [], version: info.version});
	if (info.models === null) {
		return {status: 'warn', summary: `Clients will use ${url}; Ollama did not answer /api/tags here, so the card lists no models.`, details, cause: 'ollama-not-running', remediation: {text: 'Start Ollama and run this step again to put the models on the card.'}, data};
	}
	return {status: 'ok', summary: `Clients will use ${url}; the Resource points at ${resourceAddress}:${port}.`, details, data};
}

export const clientAddress: Step = {
	...STEP_META['client-address'],
	check,
	async plan(_ctx, answers) {
		const a = serverAnswers(answers);
		// Nothing to change: this step reports the address, the alias and the card.
		return {actions: [], inputs: {alias: a.alias ?? null, resourceAddress: a.resourceAddress ?? null, connector: a.connector ?? null}};
	},
	async apply() {
		// Nothing to apply.
	},
};
