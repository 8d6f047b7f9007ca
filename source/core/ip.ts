/** IP classification with ipaddr.js (no hand-written CIDR maths). */
import ipaddr from 'ipaddr.js';

const CGNAT = ipaddr.parseCIDR('100.64.0.0/10');

export function isIp(text: string): boolean {
	return ipaddr.isValid(text);
}

/** 100.64.0.0/10: the range Twingate (and Tailscale) hand out as local handles. */
export function isCgnat(address: string): boolean {
	if (!ipaddr.IPv4.isValid(address)) return false;
	return ipaddr.IPv4.parse(address).match(CGNAT);
}

export function isLoopback(address: string): boolean {
	if (!ipaddr.isValid(address)) return address.toLowerCase() === 'localhost';
	const parsed = ipaddr.process(address);
	return parsed.range() === 'loopback';
}

export function isUnspecified(address: string): boolean {
	if (!ipaddr.isValid(address)) return false;
	return ipaddr.process(address).range() === 'unspecified';
}

export function ipRange(address: string): string {
	if (!ipaddr.isValid(address)) return 'hostname';
	return ipaddr.process(address).range();
}
