/**
 * Recorded command outputs for the server-side flows, with their provenance labels. [constructed] ones follow a labelled format.
 */

// F1 — lsof, default loopback (app UI on a random port) [3rd-party capture].
export const LSOF_F1 = [
	'Ollama      853 scottrosenberg    4u  IPv4 0xace4297ca96f619d      0t0  TCP 127.0.0.1:49153 (LISTEN)',
	'ollama      921 scottrosenberg    3u  IPv4 0x888e00d28704b5ff      0t0  TCP 127.0.0.1:11434 (LISTEN)',
].join('\n');

// F2 — lsof, exposed (0.0.0.0 → dual-stack) [3rd-party fixture].
export const LSOF_F2 = ['COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME', 'ollama   1234 user    3u  IPv6 0x...      0t0  TCP *:11434 (LISTEN)'].join('\n');

/** F2's format with another PID (the server after a restart) [constructed]. */
export const lsofAll = (pid: number) => ['COMMAND   PID USER   FD   TYPE DEVICE SIZE/OFF NODE NAME', `ollama   ${pid} user    3u  IPv6 0x...      0t0  TCP *:11434 (LISTEN)`].join('\n');
/** F1's format, a loopback server with a given PID (e.g. the brew service) [constructed]. */
export const lsofLoopback = (pid: number) => `ollama    ${pid} me      3u  IPv4 0x888e00d28704b5ff      0t0  TCP 127.0.0.1:11434 (LISTEN)`;
/** F1's format on one LAN address [constructed]. */
export const lsofSpecific = (pid: number, address: string) => `ollama    ${pid} me      3u  IPv4 0x888e00d28704b5ff      0t0  TCP ${address}:11434 (LISTEN)`;

// F3 — two servers at once [constructed in the F1/F2 format].
export const LSOF_F3 = [
	'COMMAND   PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME',
	'ollama    921 me      3u  IPv4 0x888e00d28704b5ff      0t0  TCP 127.0.0.1:11434 (LISTEN)',
	'ollama   4242 me      3u  IPv6 0x1c3e00d28704b5aa      0t0  TCP *:11434 (LISTEN)',
].join('\n');

// F4 — ss, listening on all interfaces [verbatim #8759].
export const SS_F4 = 'tcp   LISTEN 0      4096   *:11434   *:*    users:(("ollama",pid=8484,fd=3))';
/** F4's format on loopback (the Linux default bind) [constructed]. */
export const SS_LOOPBACK = 'tcp   LISTEN 0      4096   127.0.0.1:11434   0.0.0.0:*    users:(("ollama",pid=8484,fd=3))';

// F20 — ifconfig: en0 [verbatim, StackOverflow q/29958143], Tailscale utun4 [3rd-party fixture], lo0 [constructed].
export const IFCONFIG = [
	'lo0: flags=8049<UP,LOOPBACK,RUNNING,MULTICAST> mtu 16384',
	'\tinet 127.0.0.1 netmask 0xff000000',
	'\tinet6 ::1 prefixlen 128',
	'en0: flags=8863<UP,BROADCAST,SMART,RUNNING,SIMPLEX,MULTICAST> mtu 1500',
	'\tether 64:76:ba:ae:a3:02',
	'\tinet6 fe80::6676:baff:feae:a302%en0 prefixlen 64 scopeid 0x4',
	'\tinet 172.30.7.47 netmask 0xffff0000 broadcast 172.30.255.255',
	'\tnd6 options=1<PERFORMNUD>',
	'\tmedia: autoselect',
	'\tstatus: active',
	'utun4: flags=8051<UP,POINTOPOINT,RUNNING,MULTICAST> mtu 1280 index 25',
	'\tinet6 fe80::2e0:4cff:fe3c:b817%utun4 prefixlen 64 scopeid 0x19',
	'\tinet 100.87.112.117 --> 100.87.112.117 netmask 0xffffffff',
	'\tinet6 fd7a:115c:a1e0::1901:7075 prefixlen 48',
].join('\n');
export const MAC_LAN = '172.30.7.47';

// `ip -j addr` [constructed: iproute2 JSON], a LAN eth0 and Twingate's sdwan0.
export const IP_J_ADDR = JSON.stringify([
	{ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo'}]},
	{ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', addr_info: [{family: 'inet', local: '192.168.1.20', prefixlen: 24, scope: 'global', label: 'eth0'}]},
	{ifindex: 5, ifname: 'sdwan0', flags: ['POINTOPOINT', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{family: 'inet', local: '100.96.1.7', prefixlen: 12, scope: 'global', label: 'sdwan0'}]},
]);
export const LINUX_LAN = '192.168.1.20';

// F19 — socketfilterfw (Kolide mac-firewall check page; 3rd-party fixtures, trailing space kept).
export const FW_ON = 'Firewall is enabled. (State = 1)';
export const FW_OFF = 'Firewall is disabled. (State = 0)';
export const appPermitted = (bin: string) => `Incoming connection to ${bin} is permitted `;
export const appBlocked = (bin: string) => `Incoming connection to ${bin} is blocked `;

// F17 — `launchctl print gui/501/<label>` [3rd-party fixture], label/program/pid varied [constructed].
export function launchctlPrint(opts: {label: string; program: string; pid: number; host?: string; path?: string}): string {
	return [
		`gui/501/${opts.label} = {`,
		'\tactive count = 1',
		`\tpath = ${opts.path ?? `/Users/me/Library/LaunchAgents/${opts.label}.plist`}`,
		'\ttype = LaunchAgent',
		'\tstate = running',
		'',
		`\tprogram = ${opts.program}`,
		'\targuments = {',
		`\t\t${opts.program}`,
		'\t\tserve',
		'\t}',
		'',
		'\tenvironment = {',
		...(opts.host ? [`\t\tOLLAMA_HOST => ${opts.host}`] : []),
		`\t\tXPC_SERVICE_NAME => ${opts.label}`,
		'\t}',
		'',
		`\tpid = ${opts.pid}`,
		'\tlast exit code = 0',
		'}',
	].join('\n');
}
/** F17 "Not loaded", exit code 113 [3rd-party fixture]. */
export const notLoaded = (label: string) => `Could not find service "${label}" in domain for user gui: 501`;

// docker `--format '{{json .}}'` [constructed, same shape as test/parsers/docker.test.ts].
export const dockerLine = (fields: Record<string, string>) =>
	JSON.stringify({Command: '"/connectord"', CreatedAt: '2026-08-20 10:00:00 +0000 UTC', Labels: '', Mounts: '', Networks: 'bridge', Ports: '', RunningFor: '2 minutes ago', Size: '0B', ...fields});
export const DOCKER_CONNECTOR_UP = dockerLine({ID: 'a1b2c3d4e5f6', Image: 'twingate/connector:1', Names: 'twingate-connector', State: 'running', Status: 'Up 2 minutes'});

// `scutil --nc list` line for the Twingate tunnel provider [constructed in scutil's format].
export const SCUTIL_CONNECTED = '* (Connected)      7B0C5B3C-1E2D-4F5A-9B8C-0D1E2F3A4B5C VPN (com.twingate.macos.tunnelprovider) "Twingate"                       [VPN/com.twingate.macos.tunnelprovider]';

/** The Linux installer's unit, ExecStart pointed at a binary that exists. */
export function ollamaUnit(execStart: string): string {
	return [
		'[Unit]',
		'Description=Ollama Service',
		'After=network-online.target',
		'',
		'[Service]',
		`ExecStart=${execStart} serve`,
		'User=ollama',
		'Group=ollama',
		'Restart=always',
		'RestartSec=3',
		'Environment="PATH=/usr/local/bin:/usr/bin:/bin"',
		'',
		'[Install]',
		'WantedBy=default.target',
		'',
	].join('\n');
}
