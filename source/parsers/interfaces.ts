/**
 * The host's IPv4 addresses, from `ifconfig` (macOS, also net-tools Linux) and `ip -j addr` (Linux),
 * classified so the wizard proposes a LAN address and never a tunnel handle
 * (Twingate's 100.64.0.0/10 addresses are local handles of the device that holds them).
 */
import ipaddr from 'ipaddr.js';
import * as z from 'zod';
import {firstLine, lines, parseIp, show, type Parsed} from './common.js';

export type AddressKind = 'lan' | 'tunnel' | 'loopback' | 'link-local' | 'other';

export interface InterfaceAddress {
	iface: string;
	/** IPv4 address (inet6 lines are skipped). */
	address: string;
	prefixLength: number | null;
	kind: AddressKind;
	/**
	 * In 100.64.0.0/10: a Twingate/Tailscale tunnel handle that only this machine can use
	 * ("tunnel handle other machines cannot use").
	 */
	cgnat: boolean;
	/** Interface administratively up (ifconfig `flags=<UP,…>`, ip `flags:["UP"]`); null when not shown. */
	up: boolean | null;
}

export type InterfacesResult = Parsed<{addresses: InterfaceAddress[]}>;

const CGNAT = ipaddr.parseCIDR('100.64.0.0/10');

/** Interface-name classification; the address itself can override it (loopback, link-local). */
export function kindOfInterface(iface: string): AddressKind {
	const name = iface.toLowerCase().replace(/:.*$/, '');
	if (/^lo\d*$/.test(name) || name.startsWith('loopback')) return 'loopback';
	if (/^(utun|sdwan|tailscale|tun|tap|wg|ipsec|ppp|zt|nordlynx|gpd)/.test(name)) return 'tunnel';
	if (/^(bridge|docker|br-|veth|virbr|vmnet|vboxnet|lxc|lxd|cni|flannel|cali|podman|awdl|llw|anpi|ap\d|gif|stf)/.test(name)) return 'other';
	if (/^(en|eth|wl)/.test(name)) return 'lan';
	return 'other';
}

export function classifyAddress(iface: string, address: string): {kind: AddressKind; cgnat: boolean} {
	const ip = parseIp(address);
	if (!ip || ip.kind() !== 'ipv4') return {kind: kindOfInterface(iface), cgnat: false};
	const range = ip.range();
	const cgnat = ip.match(CGNAT);
	if (range === 'loopback') return {kind: 'loopback', cgnat};
	if (range === 'linkLocal') return {kind: 'link-local', cgnat};
	return {kind: kindOfInterface(iface), cgnat};
}

/** The label the wizard shows next to an address. */
export function addressLabel(entry: Pick<InterfaceAddress, 'kind' | 'cgnat'>): string {
	if (entry.cgnat) return 'tunnel handle other machines cannot use';
	return {
		lan: 'LAN address',
		tunnel: 'VPN tunnel address',
		loopback: 'loopback (this machine only)',
		'link-local': 'link-local (no DHCP lease)',
		other: 'virtual or bridge interface',
	}[entry.kind];
}

function makeAddress(iface: string, address: string, prefixLength: number | null, up: boolean | null): InterfaceAddress {
	return {iface, address, prefixLength, ...classifyAddress(iface, address), up};
}

/** `0xffffff00` (macOS) or `255.255.255.0` (net-tools) → 24. */
function prefixFromNetmask(mask: string | undefined): number | null {
	if (mask === undefined) return null;
	let dotted = mask;
	if (/^0x[0-9a-f]{8}$/i.test(mask)) {
		const value = Number.parseInt(mask.slice(2), 16);
		dotted = [24, 16, 8, 0].map((shift) => (value >>> shift) & 255).join('.');
	}
	if (!ipaddr.IPv4.isValidFourPartDecimal(dotted)) return null;
	return ipaddr.IPv4.parse(dotted).prefixLengthFromSubnetMask();
}

const IFCONFIG_HEADER = /^([A-Za-z0-9_.:@-]+?):?\s+(?:flags=\d+<([^>]*)>|Link encap:)/;

/**
 * Parse `ifconfig` (macOS blocks: a header `en0: flags=…<UP,…> mtu 1500`, then tab-indented lines).
 * Collects `inet` lines, including point-to-point `inet A --> B netmask 0xffffffff`; skips inet6.
 */
export function parseIfconfig(stdout: string): InterfacesResult {
	const addresses: InterfaceAddress[] = [];
	let iface: string | null = null;
	let up: boolean | null = null;
	let blocks = 0;
	for (const [index, raw] of lines(stdout).entries()) {
		if (raw.trim() === '') continue;
		if (!/^\s/.test(raw)) {
			const header = IFCONFIG_HEADER.exec(raw);
			if (!header) {
				return {ok: false, problem: `Line ${index + 1} of the ifconfig output is not an interface header: ${show(raw)}.`, addresses: []};
			}
			iface = header[1] ?? '';
			up = header[2] === undefined ? null : header[2].split(',').includes('UP');
			blocks++;
			continue;
		}
		if (iface === null) {
			return {ok: false, problem: `The ifconfig output starts with an indented line instead of an interface header: ${show(raw.trim())}.`, addresses: []};
		}
		// macOS: `inet 172.30.7.47 netmask 0xffff0000 broadcast …`; net-tools: `inet addr:10.0.0.2  Mask:255.0.0.0`.
		const inet = /^\s+inet\s+(?:addr:)?(\S+)(.*)$/.exec(raw);
		if (!inet) continue;
		const address = inet[1] ?? '';
		if (!ipaddr.IPv4.isValidFourPartDecimal(address)) {
			return {ok: false, problem: `The inet line for ${iface} holds ${show(address)}, which is not an IPv4 address.`, addresses: []};
		}
		const mask = /(?:netmask\s+|Mask:)(\S+)/.exec(inet[2] ?? '')?.[1];
		addresses.push(makeAddress(iface, address, prefixFromNetmask(mask), up));
	}
	if (blocks === 0) {
		const first = firstLine(stdout);
		return {ok: false, problem: first === '' ? 'ifconfig printed nothing.' : `ifconfig printed no interface blocks; it said ${show(first)}.`, addresses: []};
	}
	return {ok: true, addresses};
}

const ipAddrSchema = z.array(
	z.object({
		ifname: z.string(),
		operstate: z.string().optional(),
		flags: z.array(z.string()).optional(),
		addr_info: z
			.array(
				z.object({
					family: z.string().optional(),
					local: z.string().optional(),
					prefixlen: z.number().optional(),
					label: z.string().optional(),
				}),
			)
			.optional(),
	}),
);

/** Parse `ip -j addr` (Linux iproute2 JSON): IPv4 (`family: "inet"`) addresses per interface. */
export function parseIpJsonAddr(stdout: string): InterfacesResult {
	if (stdout.trim() === '') return {ok: false, problem: '`ip -j addr` printed nothing.', addresses: []};
	let json: unknown;
	try {
		json = JSON.parse(stdout);
	} catch {
		return {ok: false, problem: `\`ip -j addr\` did not print JSON; it began with ${show(firstLine(stdout))}.`, addresses: []};
	}
	const parsed = ipAddrSchema.safeParse(json);
	if (!parsed.success) {
		const issue = parsed.error.issues[0];
		const where = issue ? issue.path.join('.') : '';
		return {ok: false, problem: `\`ip -j addr\` JSON has an unexpected shape${where ? ` at ${where}` : ''}: ${issue?.message ?? 'invalid'}.`, addresses: []};
	}
	const addresses: InterfaceAddress[] = [];
	for (const link of parsed.data) {
		const up = link.flags ? link.flags.includes('UP') : link.operstate ? link.operstate !== 'DOWN' : null;
		for (const info of link.addr_info ?? []) {
			if (info.family !== 'inet' || info.local === undefined) continue;
			if (!ipaddr.IPv4.isValidFourPartDecimal(info.local)) {
				return {ok: false, problem: `\`ip -j addr\` lists ${show(info.local)} on ${link.ifname} as inet, which is not an IPv4 address.`, addresses: []};
			}
			addresses.push(makeAddress(link.ifname, info.local, info.prefixlen ?? null, up));
		}
	}
	return {ok: true, addresses};
}

/** `ipconfig getifaddr en0` prints the bare primary address; empty when the interface has none. */
export function parseGetifaddr(stdout: string): Parsed<{address: string | null}> {
	const text = stdout.trim();
	if (text === '') return {ok: true, address: null};
	if (!ipaddr.IPv4.isValidFourPartDecimal(text)) {
		return {ok: false, problem: `ipconfig getifaddr printed ${show(text)}, not an IPv4 address.`, address: null};
	}
	return {ok: true, address: text};
}

/**
 * Addresses worth proposing as the Twingate Resource address: LAN IPv4 only, never CGNAT tunnel
 * handles, loopback or link-local. Keeps input order (the primary interface first), no duplicates.
 */
export function proposableResourceAddresses(list: readonly InterfaceAddress[]): InterfaceAddress[] {
	const seen = new Set<string>();
	return list.filter((entry) => {
		if (entry.kind !== 'lan' || entry.cgnat || entry.up === false || seen.has(entry.address)) return false;
		const ip = parseIp(entry.address);
		if (!ip || ip.kind() !== 'ipv4') return false;
		const range = ip.range();
		if (range === 'loopback' || range === 'linkLocal' || range === 'unspecified' || range === 'multicast' || range === 'broadcast') return false;
		seen.add(entry.address);
		return true;
	});
}
