import {describe, expect, it} from 'vitest';
import {
	addressLabel,
	classifyAddress,
	kindOfInterface,
	parseGetifaddr,
	parseIfconfig,
	parseIpJsonAddr,
	proposableResourceAddresses,
} from '../../source/parsers/interfaces.js';

// F20, `en0` block [verbatim, StackOverflow q/29958143]. Tabs as in the source.
const F20_EN0 = [
	'en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500',
	'\tether 64:76:ba:ae:a3:02',
	'\tinet6 fe80::6676:baff:feae:a302%en0 prefixlen 64 scopeid 0x4',
	'\tinet 172.30.7.47 netmask 0xffff0000 broadcast 172.30.255.255',
	'\tnd6 options=1<PERFORMNUD>',
	'\tmedia: autoselect',
	'\tstatus: active',
].join('\n');

// F20, Tailscale utun, "actual output of ifconfig -v utun4 on macOS 15.3" [3rd-party fixture].
const F20_UTUN4 = [
	'utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280 index 25',
	'\tinet6 fe80::2e0:4cff:fe3c:b817%utun4 prefixlen 64 scopeid 0x19',
	'\tinet 100.87.112.117 --> 100.87.112.117 netmask 0xffffffff',
	'\tinet6 fd7a:115c:a1e0::1901:7075 prefixlen 48',
].join('\n');

// [constructed] around F20: loopback, a VPN utun, an inet6-only system utun, a bridge, a link-local en.
const MAC_OTHERS = [
	'lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384',
	'\toptions=1203<RXCSUM,TXCSUM,TXSTATUS,SW_TIMESTAMP>',
	'\tinet 127.0.0.1 netmask 0xff000000',
	'\tinet6 ::1 prefixlen 128',
	'utun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380',
	'\tinet6 fe80::8e5:2b4a:1b6c:3f0e%utun0 prefixlen 64 scopeid 0xe',
	'utun5: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1500',
	'\tinet 10.8.0.2 --> 10.8.0.2 netmask 0xffffffff',
	'bridge100: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500',
	'\tinet 192.168.64.1 netmask 0xffffff00 broadcast 192.168.64.255',
	'en7: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500',
	'\tinet 169.254.12.34 netmask 0xffff0000 broadcast 169.254.255.255',
].join('\n');

// [constructed] `ip -j addr` on a Linux host (iproute2 JSON; fields trimmed to what is read plus a few extras).
const IP_JSON = JSON.stringify([
	{
		ifindex: 1,
		ifname: 'lo',
		flags: ['LOOPBACK', 'UP', 'LOWER_UP'],
		mtu: 65536,
		operstate: 'UNKNOWN',
		addr_info: [
			{family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo'},
			{family: 'inet6', local: '::1', prefixlen: 128, scope: 'host'},
		],
	},
	{
		ifindex: 2,
		ifname: 'eth0',
		flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
		mtu: 1500,
		operstate: 'UP',
		addr_info: [
			{family: 'inet', local: '192.168.1.20', prefixlen: 24, broadcast: '192.168.1.255', scope: 'global', dynamic: true, label: 'eth0'},
			{family: 'inet6', local: 'fe80::a00:27ff:fe4e:66a1', prefixlen: 64, scope: 'link'},
		],
	},
	{
		ifindex: 3,
		ifname: 'docker0',
		flags: ['NO-CARRIER', 'BROADCAST', 'MULTICAST', 'UP'],
		mtu: 1500,
		operstate: 'DOWN',
		addr_info: [{family: 'inet', local: '172.17.0.1', prefixlen: 16, broadcast: '172.17.255.255', scope: 'global', label: 'docker0'}],
	},
	{
		ifindex: 4,
		ifname: 'sdwan0',
		flags: ['POINTOPOINT', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP'],
		mtu: 1500,
		operstate: 'UNKNOWN',
		addr_info: [{family: 'inet', local: '100.96.1.7', prefixlen: 12, scope: 'global', label: 'sdwan0'}],
	},
	{
		ifindex: 5,
		ifname: 'tailscale0',
		flags: ['POINTOPOINT', 'MULTICAST', 'NOARP', 'UP', 'LOWER_UP'],
		mtu: 1280,
		operstate: 'UNKNOWN',
		addr_info: [
			{family: 'inet', local: '100.101.102.103', prefixlen: 32, scope: 'global', label: 'tailscale0'},
			{family: 'inet6', local: 'fd7a:115c:a1e0::1', prefixlen: 128, scope: 'global'},
		],
	},
	{ifindex: 6, ifname: 'wlp2s0', flags: ['BROADCAST', 'MULTICAST'], mtu: 1500, operstate: 'DOWN', addr_info: []},
]);

describe('parseIfconfig', () => {
	it('F20: en0 → one LAN address, inet6 skipped', () => {
		expect(parseIfconfig(F20_EN0)).toEqual({
			ok: true,
			addresses: [{iface: 'en0', address: '172.30.7.47', prefixLength: 16, kind: 'lan', cgnat: false, up: true}],
		});
	});

	it('F20: Tailscale utun4 with inet6 first and point-to-point inet → tunnel, CGNAT', () => {
		const result = parseIfconfig(F20_UTUN4);
		expect(result.addresses).toEqual([{iface: 'utun4', address: '100.87.112.117', prefixLength: 32, kind: 'tunnel', cgnat: true, up: true}]);
		expect(addressLabel(result.addresses[0] ?? {kind: 'lan', cgnat: false})).toBe('tunnel handle other machines cannot use');
	});

	it('F20 en0 + utun4 + constructed others: classification and proposal (LAN IPv4 only)', () => {
		const result = parseIfconfig([F20_EN0, F20_UTUN4, MAC_OTHERS].join('\n'));
		expect(result.ok).toBe(true);
		expect(result.addresses.map((a) => [a.iface, a.address, a.kind, a.cgnat])).toEqual([
			['en0', '172.30.7.47', 'lan', false],
			['utun4', '100.87.112.117', 'tunnel', true],
			['lo0', '127.0.0.1', 'loopback', false],
			['utun5', '10.8.0.2', 'tunnel', false],
			['bridge100', '192.168.64.1', 'other', false],
			['en7', '169.254.12.34', 'link-local', false],
		]);
		expect(proposableResourceAddresses(result.addresses).map((a) => a.address)).toEqual(['172.30.7.47']);
	});

	it('Linux net-tools formats (new and old) [constructed]', () => {
		const text = [
			'eth0: flags=4163<UP,BROADCAST,RUNNING,MULTICAST>  mtu 1500',
			'        inet 192.168.1.20  netmask 255.255.255.0  broadcast 192.168.1.255',
			'',
			'wlan0     Link encap:Ethernet  HWaddr 00:11:22:33:44:55',
			'          inet addr:10.0.0.5  Bcast:10.0.0.255  Mask:255.255.255.0',
		].join('\n');
		expect(parseIfconfig(text).addresses.map((a) => [a.iface, a.address, a.prefixLength, a.kind, a.up])).toEqual([
			['eth0', '192.168.1.20', 24, 'lan', true],
			['wlan0', '10.0.0.5', 24, 'lan', null],
		]);
	});

	it('an interface with no inet at all is fine; down interfaces are not proposed', () => {
		expect(parseIfconfig('utun0: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1380\n\tinet6 fe80::1%utun0 prefixlen 64')).toEqual({ok: true, addresses: []});
		const down = parseIfconfig('en1: flags=8822<BROADCAST,SMART,SIMPLEX,MULTICAST> mtu 1500\n\tinet 192.168.5.5 netmask 0xffffff00');
		expect(down.addresses[0]?.up).toBe(false);
		expect(proposableResourceAddresses(down.addresses)).toEqual([]);
	});

	it('empty or malformed → ok:false with a sentence', () => {
		const empty = parseIfconfig('');
		expect(empty).toEqual({ok: false, problem: 'ifconfig printed nothing.', addresses: []});
		const missing = parseIfconfig('ifconfig: interface en9 does not exist');
		expect(missing.ok).toBe(false);
		if (!missing.ok) expect(missing.problem).toContain('not an interface header');
		const indented = parseIfconfig('\tinet 1.2.3.4 netmask 0xffffffff');
		expect(indented.ok).toBe(false);
		const badInet = parseIfconfig('en0: flags=8863<UP> mtu 1500\n\tinet banana netmask 0xffffffff');
		expect(badInet.ok).toBe(false);
		if (!badInet.ok) expect(badInet.problem).toBe('The inet line for en0 holds "banana", which is not an IPv4 address.');
	});
});

describe('parseIpJsonAddr', () => {
	it('[constructed] lo, eth0, docker0, sdwan0 (Twingate 100.96/12), tailscale0 (100.x), wlp2s0 without address', () => {
		const result = parseIpJsonAddr(IP_JSON);
		expect(result.ok).toBe(true);
		expect(result.addresses).toEqual([
			{iface: 'lo', address: '127.0.0.1', prefixLength: 8, kind: 'loopback', cgnat: false, up: true},
			{iface: 'eth0', address: '192.168.1.20', prefixLength: 24, kind: 'lan', cgnat: false, up: true},
			{iface: 'docker0', address: '172.17.0.1', prefixLength: 16, kind: 'other', cgnat: false, up: true},
			{iface: 'sdwan0', address: '100.96.1.7', prefixLength: 12, kind: 'tunnel', cgnat: true, up: true},
			{iface: 'tailscale0', address: '100.101.102.103', prefixLength: 32, kind: 'tunnel', cgnat: true, up: true},
		]);
		expect(proposableResourceAddresses(result.addresses).map((a) => `${a.iface} ${a.address}`)).toEqual(['eth0 192.168.1.20']);
	});

	it('empty, non-JSON and wrongly shaped JSON → ok:false with a sentence', () => {
		expect(parseIpJsonAddr('  ')).toEqual({ok: false, problem: '`ip -j addr` printed nothing.', addresses: []});
		const text = parseIpJsonAddr('1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536');
		expect(text.ok).toBe(false);
		if (!text.ok) expect(text.problem).toContain('did not print JSON');
		const shape = parseIpJsonAddr('[{"name":"eth0"}]');
		expect(shape.ok).toBe(false);
		if (!shape.ok) expect(shape.problem).toContain('at 0.ifname');
		expect(parseIpJsonAddr('{"ifname":"eth0"}').ok).toBe(false);
		expect(parseIpJsonAddr('[{"ifname":"eth0","addr_info":[{"family":"inet","local":"x"}]}]').ok).toBe(false);
		expect(parseIpJsonAddr('[]')).toEqual({ok: true, addresses: []});
	});
});

describe('classification helpers', () => {
	it('interface names → kinds', () => {
		const kinds = Object.fromEntries(
			['en0', 'eth0', 'enp3s0', 'wlp2s0', 'wlan0', 'utun3', 'sdwan0', 'tailscale0', 'tun0', 'wg0', 'lo', 'lo0', 'bridge0', 'docker0', 'vmnet8', 'awdl0', 'xyz0'].map((name) => [name, kindOfInterface(name)]),
		);
		expect(kinds).toEqual({
			en0: 'lan',
			eth0: 'lan',
			enp3s0: 'lan',
			wlp2s0: 'lan',
			wlan0: 'lan',
			utun3: 'tunnel',
			sdwan0: 'tunnel',
			tailscale0: 'tunnel',
			tun0: 'tunnel',
			wg0: 'tunnel',
			lo: 'loopback',
			lo0: 'loopback',
			bridge0: 'other',
			docker0: 'other',
			vmnet8: 'other',
			awdl0: 'other',
			xyz0: 'other',
		});
	});

	it('CGNAT boundaries and address overrides (100.64.0.0/10, 169.254/16, 127/8)', () => {
		expect(classifyAddress('en0', '100.64.0.1')).toEqual({kind: 'lan', cgnat: true});
		expect(classifyAddress('en0', '100.127.255.254').cgnat).toBe(true);
		expect(classifyAddress('en0', '100.63.255.255').cgnat).toBe(false);
		expect(classifyAddress('en0', '100.128.0.1').cgnat).toBe(false);
		expect(classifyAddress('en0', '169.254.1.1').kind).toBe('link-local');
		expect(classifyAddress('eth0', '127.0.1.1').kind).toBe('loopback');
		expect(proposableResourceAddresses([{iface: 'en0', address: '100.64.0.1', prefixLength: 10, kind: 'lan', cgnat: true, up: true}])).toEqual([]);
		expect(addressLabel({kind: 'lan', cgnat: false})).toBe('LAN address');
	});

	it('duplicates are proposed once', () => {
		const entry = {iface: 'en0', address: '192.168.1.2', prefixLength: 24, kind: 'lan' as const, cgnat: false, up: true};
		expect(proposableResourceAddresses([entry, {...entry, iface: 'en0:1'}])).toHaveLength(1);
	});
});

describe('parseGetifaddr', () => {
	it('F20: `ipconfig getifaddr en0` prints the bare address', () => {
		expect(parseGetifaddr('172.30.7.47\n')).toEqual({ok: true, address: '172.30.7.47'});
		expect(parseGetifaddr('')).toEqual({ok: true, address: null});
		expect(parseGetifaddr('get if addr en0 failed, (os/kern) failure').ok).toBe(false);
	});
});
