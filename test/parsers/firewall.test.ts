import {describe, expect, it} from 'vitest';
import {parseAppBlocked, parseBlockAll, parseFirewallGlobalState} from '../../source/parsers/firewall.js';

describe('parseFirewallGlobalState', () => {
	it('F19: --getglobalstate, three variants', () => {
		expect(parseFirewallGlobalState('Firewall is enabled. (State = 1)\n')).toBe('on');
		expect(parseFirewallGlobalState('Firewall is disabled. (State = 0)\n')).toBe('off');
		expect(parseFirewallGlobalState('Firewall is blocking all non-essential incoming connections. (State = 2)\n')).toBe('block-all');
	});

	it('wording without the state number, and unknown text', () => {
		expect(parseFirewallGlobalState('Firewall is enabled.')).toBe('on');
		expect(parseFirewallGlobalState('Firewall is disabled.')).toBe('off');
		expect(parseFirewallGlobalState('Firewall is blocking all non-essential incoming connections.')).toBe('block-all');
		expect(parseFirewallGlobalState('(State = 7)')).toBe('unknown');
		expect(parseFirewallGlobalState('')).toBe('unknown');
		expect(parseFirewallGlobalState('zsh: no such file or directory: /usr/libexec/ApplicationFirewall/socketfilterfw')).toBe('unknown');
	});
});

describe('parseBlockAll', () => {
	it('F19: --getblockall, macOS 26 and older wording', () => {
		expect(parseBlockAll('Firewall has block all state set to disabled.\n')).toBe('disabled');
		expect(parseBlockAll('Firewall has block all state set to enabled.\n')).toBe('enabled');
		expect(parseBlockAll('Block all DISABLED!\n')).toBe('disabled');
		expect(parseBlockAll('Block all ENABLED!\n')).toBe('enabled');
		expect(parseBlockAll('')).toBe('unknown');
		expect(parseBlockAll('something else')).toBe('unknown');
	});
});

describe('parseAppBlocked', () => {
	it('F19: --getappblocked wordings incl. trailing spaces', () => {
		expect(parseAppBlocked('Incoming connection to /path/bin is permitted \n')).toBe('allowed');
		expect(parseAppBlocked('Incoming connection to /path/bin is blocked \n')).toBe('blocked');
		expect(parseAppBlocked('Application at path ( /Applications/X.app ) is not blocked from accepting incoming connections.\n')).toBe('allowed');
		expect(parseAppBlocked('Application at path ( /Applications/X.app ) is blocked from accepting incoming connections.\n')).toBe('blocked');
		expect(parseAppBlocked('The application is not part of the firewall\n')).toBe('not-listed');
	});

	it('F19 matching order: "not blocked" must not read as blocked; unknown text → unknown', () => {
		expect(parseAppBlocked('… is not blocked …')).toBe('allowed');
		expect(parseAppBlocked('unblocked')).toBe('unknown');
		expect(parseAppBlocked('')).toBe('unknown');
	});
});
