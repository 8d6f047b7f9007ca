/**
 * macOS Application Firewall, `/usr/libexec/ApplicationFirewall/socketfilterfw`.
 * The wording varies between macOS versions, so each reader matches several phrasings and falls back
 * to 'unknown' instead of guessing.
 */

export type FirewallGlobalState = 'on' | 'off' | 'block-all' | 'unknown';

/** `--getglobalstate`: `… (State = 0|1|2)`, or the sentence when the number is missing. */
export function parseFirewallGlobalState(stdout: string): FirewallGlobalState {
	const state = /\(State\s*=\s*(\d+)\)/i.exec(stdout)?.[1];
	if (state === '0') return 'off';
	if (state === '1') return 'on';
	if (state === '2') return 'block-all';
	if (state !== undefined) return 'unknown';
	if (/blocking all/i.test(stdout)) return 'block-all';
	if (/firewall is enabled/i.test(stdout)) return 'on';
	if (/firewall is disabled/i.test(stdout)) return 'off';
	return 'unknown';
}

export type BlockAllState = 'enabled' | 'disabled' | 'unknown';

/**
 * `--getblockall`: `Firewall has block all state set to disabled.` (macOS 26) or the older
 * `Block all DISABLED!` / `Block all ENABLED!`.
 */
export function parseBlockAll(stdout: string): BlockAllState {
	const match = /block all state set to (enabled|disabled)\b/i.exec(stdout) ?? /block all (enabled|disabled)\b/i.exec(stdout);
	const word = match?.[1]?.toLowerCase();
	return word === 'enabled' || word === 'disabled' ? word : 'unknown';
}

export type AppBlockedState = 'allowed' | 'blocked' | 'not-listed' | 'unknown';

/**
 * `--getappblocked <path>`. Matching order matters: "not part of the firewall" → not listed
 * (`--unblockapp` fails until `--add`); `not blocked|permitted` → allowed; `\bblocked\b` → blocked.
 */
export function parseAppBlocked(stdout: string): AppBlockedState {
	if (/not part of the firewall/i.test(stdout)) return 'not-listed';
	if (/not blocked|permitted/i.test(stdout)) return 'allowed';
	if (/\bblocked\b/i.test(stdout)) return 'blocked';
	return 'unknown';
}
