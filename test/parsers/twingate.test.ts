import {describe, expect, it} from 'vitest';
import {isValidAlias, parsePppoeStatus, parseScutilNcList, parseTwingateResources, parseTwingateStatus} from '../../source/parsers/twingate.js';

// `twingate resources`, real capture, older client [3rd-party fixture, fdeslongchamps/twingate-toggle test.gjs]:
// padded cells before the tabs, `-` = empty, empty AUTH STATUS, trailing blank line.
const RESOURCES_OLD = 'RESOURCE NAME\tADDRESS       \tALIAS\tAUTH STATUS\nHome         \t192.168.2.0/24\t-    \t\n\n';

// `twingate resources`, newer client with group headings [3rd-party fixture, "a real output, trimmed"].
const RESOURCES_GROUPED = [
	'MAIN RESOURCES',
	'RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS',
	'ack-service\tack-service.private.svc\tack-service.twingate\tAuth expires in 2 days',
	'prod-database\tprod.rds.amazonaws.com\t-\t',
	'prod-jenkins\t10.0.0.27\tjenkins.pickitlabs.ar\tNot authenticated',
	'',
	'KUBERNETES RESOURCES',
	'RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS',
	'test-cluster\tkubernetes.default.svc\tpickit-test-cluster.int\tAuth expires in over a week',
].join('\n');

// `twingate resources`, constructed fixture (twingate-toggle test.gjs).
const RESOURCES_AUTH_REQUIRED = 'RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\nDB\tdb.internal\tdb.corp\tAuth required';

// [constructed] `scutil --nc list` on a Mac with the standalone Twingate client and an IPSec VPN.
const SCUTIL_CONNECTED = [
	'Available network connection services in the current set (*=enabled):',
	'* (Disconnected)   6D0B3A51-2C8E-4F1A-9B47-0E5C3D2A1F88 IPSec                \t"Office VPN"                     [IPSec]',
	'* (Connected)      8F7A3C52-1D2E-4B6F-9A0C-3E5D7B9F1A24 VPN (com.twingate.macos.tunnelprovider) "Twingate"                       [VPN/com.twingate.macos.tunnelprovider]',
].join('\n');

// [constructed] the same service, disconnected, as seen through `| grep -i twingate`.
const SCUTIL_DISCONNECTED = '* (Disconnected)   8F7A3C52-1D2E-4B6F-9A0C-3E5D7B9F1A24 VPN (com.twingate.macos.tunnelprovider) "Twingate"                       [VPN/com.twingate.macos.tunnelprovider]\n';

describe('parseTwingateStatus', () => {
	it('`twingate status` words, case-insensitive, first line only', () => {
		expect(parseTwingateStatus('online\n')).toBe('online');
		expect(parseTwingateStatus('Online: User\n')).toBe('online');
		expect(parseTwingateStatus('offline\n')).toBe('offline');
		expect(parseTwingateStatus('not-running\n')).toBe('not-running');
		expect(parseTwingateStatus('not running\n')).toBe('not-running');
		expect(parseTwingateStatus('Twingate is not running\n')).toBe('not-running');
		expect(parseTwingateStatus('starting\n')).toBe('starting');
		expect(parseTwingateStatus('Authenticating\nopen the browser\n')).toBe('authenticating');
		expect(parseTwingateStatus('\n  ONLINE  \n')).toBe('online');
	});

	it('unknown or empty text → unknown (treated as not online)', () => {
		expect(parseTwingateStatus('')).toBe('unknown');
		expect(parseTwingateStatus('Twingate must be connected to display available resources.')).toBe('unknown');
		expect(parseTwingateStatus('onlineish')).toBe('unknown');
		expect(parseTwingateStatus('bash: twingate: command not found')).toBe('unknown');
	});
});

describe('parseTwingateResources', () => {
	it('`twingate resources`, real capture, older client: padded cells, `-`, empty auth, trailing blank line', () => {
		expect(parseTwingateResources(RESOURCES_OLD)).toEqual({
			ok: true,
			resources: [{name: 'Home', address: '192.168.2.0/24', alias: null, authStatus: null, auth: 'none', group: null}],
		});
	});

	it('`twingate resources`, newer client: group headings with the header repeated per group', () => {
		expect(parseTwingateResources(RESOURCES_GROUPED)).toEqual({
			ok: true,
			resources: [
				{name: 'ack-service', address: 'ack-service.private.svc', alias: 'ack-service.twingate', authStatus: 'Auth expires in 2 days', auth: 'authorised', group: 'MAIN RESOURCES'},
				{name: 'prod-database', address: 'prod.rds.amazonaws.com', alias: null, authStatus: null, auth: 'none', group: 'MAIN RESOURCES'},
				{name: 'prod-jenkins', address: '10.0.0.27', alias: 'jenkins.pickitlabs.ar', authStatus: 'Not authenticated', auth: 'needs-auth', group: 'MAIN RESOURCES'},
				{
					name: 'test-cluster',
					address: 'kubernetes.default.svc',
					alias: 'pickit-test-cluster.int',
					authStatus: 'Auth expires in over a week',
					auth: 'authorised',
					group: 'KUBERNETES RESOURCES',
				},
			],
		});
	});

	it('`twingate resources`, constructed fixture: alias and `Auth required`', () => {
		expect(parseTwingateResources(RESOURCES_AUTH_REQUIRED).resources).toEqual([
			{name: 'DB', address: 'db.internal', alias: 'db.corp', authStatus: 'Auth required', auth: 'needs-auth', group: null},
		]);
	});

	it('`twingate resources`, unknown auth texts stay raw; header only = no rows; CRLF', () => {
		const result = parseTwingateResources('RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\r\nollama\t192.168.1.20\tollama.internal\tSomething new\r\n');
		expect(result.resources[0]).toMatchObject({authStatus: 'Something new', auth: 'unknown'});
		expect(parseTwingateResources('BACKGROUND RESOURCES\nRESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\n')).toEqual({ok: true, resources: []});
	});

	it('space-aligned table without tabs falls back to header offsets [constructed]', () => {
		const text = ['RESOURCE NAME   ADDRESS         ALIAS             AUTH STATUS', 'ollama          192.168.1.20    ollama.internal   '].join('\n');
		expect(parseTwingateResources(text).resources).toEqual([
			{name: 'ollama', address: '192.168.1.20', alias: 'ollama.internal', authStatus: null, auth: 'none', group: null},
		]);
	});

	it('`twingate resources`, not connected: the sentence instead of a table → ok:false naming it', () => {
		const result = parseTwingateResources('Twingate must be connected to display available resources.\n');
		expect(result).toEqual({
			ok: false,
			problem: 'twingate resources printed no table; it said "Twingate must be connected to display available resources.".',
			resources: [],
		});
		expect(parseTwingateResources('Twingate is not running').ok).toBe(false);
		expect(parseTwingateResources('')).toEqual({ok: false, problem: 'twingate resources printed nothing.', resources: []});
	});

	it('a row without an address → ok:false', () => {
		const result = parseTwingateResources('RESOURCE NAME\tADDRESS\tALIAS\tAUTH STATUS\nbroken row\n');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problem).toBe('Line 2 of the twingate resources output is not a NAME/ADDRESS row: "broken row".');
	});
});

describe('parseScutilNcList', () => {
	it('[constructed] Twingate VPN service listed and connected, next to another VPN', () => {
		const result = parseScutilNcList(SCUTIL_CONNECTED);
		expect(result).toMatchObject({ok: true, present: true, state: 'Connected', connected: true});
		expect(result.services).toEqual([
			{enabled: true, state: 'Disconnected', id: '6D0B3A51-2C8E-4F1A-9B47-0E5C3D2A1F88', type: 'IPSec', name: 'Office VPN', kind: 'IPSec'},
			{
				enabled: true,
				state: 'Connected',
				id: '8F7A3C52-1D2E-4B6F-9A0C-3E5D7B9F1A24',
				type: 'VPN (com.twingate.macos.tunnelprovider)',
				name: 'Twingate',
				kind: 'VPN/com.twingate.macos.tunnelprovider',
			},
		]);
	});

	it('[constructed] `(Disconnected)` through `grep -i twingate`', () => {
		expect(parseScutilNcList(SCUTIL_DISCONNECTED)).toMatchObject({ok: true, present: true, state: 'Disconnected', connected: false});
	});

	it('empty grep or only other services → not present', () => {
		expect(parseScutilNcList('')).toEqual({ok: true, services: [], present: false, state: null, connected: null});
		const other = parseScutilNcList(SCUTIL_CONNECTED.split('\n').slice(0, 2).join('\n'));
		expect(other).toMatchObject({ok: true, present: false, state: null, connected: null});
		expect(other.services).toHaveLength(1);
	});

	it('unrecognised lines → ok:false with a sentence', () => {
		const result = parseScutilNcList('scutil: command not found');
		expect(result.ok).toBe(false);
		if (!result.ok) expect(result.problem).toBe('Line 1 of the scutil --nc list output is not a service line: "scutil: command not found".');
	});
});

describe('parsePppoeStatus', () => {
	it('connected / disconnected / empty = adapter missing', () => {
		expect(parsePppoeStatus('connected\n')).toBe('connected');
		expect(parsePppoeStatus('disconnected\n')).toBe('disconnected');
		expect(parsePppoeStatus('')).toBe('missing');
		expect(parsePppoeStatus('\n')).toBe('missing');
		expect(parsePppoeStatus('Twingate is not a recognized network service.\n')).toBe('missing');
		expect(parsePppoeStatus('Connecting\n')).toBe('connecting');
		expect(parsePppoeStatus('weird')).toBe('unknown');
	});
});

describe('isValidAlias', () => {
	it('accepts dotted DNS names, lower-cased', () => {
		expect(isValidAlias('ollama.internal')).toEqual({ok: true, alias: 'ollama.internal'});
		expect(isValidAlias(' Ollama.Home.Internal ')).toEqual({ok: true, alias: 'ollama.home.internal'});
		expect(isValidAlias('mac-studio.lan')).toEqual({ok: true, alias: 'mac-studio.lan'});
		expect(isValidAlias('ack-service.twingate')).toMatchObject({ok: true});
	});

	const rejected: [string, RegExp][] = [
		['', /empty/],
		['ollama', /needs at least one dot, e\.g\. ollama\.internal/],
		['ollama.local', /ends in \.local.*mDNS.*ollama\.internal/],
		['OLLAMA.LOCAL', /ends in \.local/],
		['http://ollama.internal', /bare host name/],
		['ollama.internal:11434', /bare host name/],
		['ollama internal', /bare host name/],
		['192.168.1.20', /is an IP address/],
		['*.internal', /wildcard/],
		['ollama.internal.', /ends with a dot/],
		['.internal', /empty label/],
		['a..b', /empty label/],
		['-ollama.internal', /letters, digits and hyphens/],
		['ollama-.internal', /letters, digits and hyphens/],
		['oll_ama.internal', /letters, digits and hyphens/],
		[`${'a'.repeat(64)}.internal`, /at most 63/],
		[`${'a.'.repeat(127)}ab`, /at most 253/],
		['ollama.123', /numeric label/],
	];
	for (const [alias, problem] of rejected) {
		it(`rejects ${JSON.stringify(alias.length > 30 ? `${alias.slice(0, 30)}…` : alias)}`, () => {
			const result = isValidAlias(alias);
			expect(result.ok).toBe(false);
			if (!result.ok) expect(result.problem).toMatch(problem);
		});
	}
});
