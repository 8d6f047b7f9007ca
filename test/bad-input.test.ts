/**
 * Bad input, table-driven: every row gets a clear message naming the value and the rule, exit 2,
 * no stack trace, no file written and no command run (every program the wizard could run is a
 * logging shim first on PATH).
 */
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, symlinkSync, writeFileSync} from 'node:fs';
import path from 'node:path';
import {beforeAll, describe, expect, it} from 'vitest';
import {CLI} from './support/cli.js';
import {tempDir} from './support/fake-ctx.js';

const SHIMMED = ['twingate', 'docker', 'launchctl', 'systemctl', 'ss', 'lsof', 'sudo', 'brew', 'open', 'pgrep', 'scutil', 'ufw', 'git', 'ollama', 'ifconfig', 'ip', 'id', 'osascript', 'plutil', 'networksetup'];
const LONG = 'a'.repeat(10_000);
// A symlink to elsewhere, made once for the config-path rows.
const LINK_DIR = tempDir('otw-link-');
const LINK = path.join(LINK_DIR, 'config.json');
symlinkSync('/etc/hostname', LINK);
const CA = ['configure-ailice', '--url', 'http://ollama.home.internal:11434', '--yes'];

export const BAD_ROWS: [string, string[], RegExp][] = [
	['URL without scheme', ['test', '--url', 'ollama.home.internal:11434'], /"ollama\.home\.internal:11434" has no scheme/],
	['URL without host', ['test', '--url', 'http://'], /not a valid URL|no host/],
	['URL with another scheme', ['test', '--url', 'ftp://ollama:11434'], /uses ftp/],
	['0.0.0.0 as destination', ['test', '--url', 'http://0.0.0.0:11434'], /0\.0\.0\.0 is a bind address, not a destination/],
	[':: as destination', ['test', '--url', 'http://[::]:11434'], /bind address, not a destination/],
	['port 0', ['test', '--url', 'http://h:0'], /port "0" .* between 1 and 65535/],
	['port 65536', ['test', '--url', 'http://h:65536'], /"65536" .*between 1 and 65535/],
	['port abc', ['test', '--url', 'http://h:abc'], /"abc" .*between 1 and 65535/],
	['IPv6 without brackets', ['test', '--url', 'http://fe80::1:11434'], /IPv6 address without brackets/],
	['host with a space', ['test', '--url', 'http://my host:11434'], /contains spaces/],
	['host with $(...)', ['test', '--url', 'http://$(touch x):11434'], /contains spaces|not a valid/],
	['host with $(...) no space', ['test', '--url', 'http://$(id):11434'], /not a valid (URL|host name)/],
	['host with ;rm', ['test', '--url', 'http://h;rm:11434'], /not a valid (URL|host name)/],
	['host with backticks', ['test', '--url', 'http://`id`:11434'], /not a valid (URL|host name)/],
	['10 kB URL', ['test', '--url', `http://${LONG}:11434`], /10\d{3} characters long|not a valid host/],
	['empty URL', ['test', '--url', ''], /URL is empty/],
	['URL with /chat/completions', ['test', '--url', 'http://h:11434/v1/chat/completions'], /ends in \/chat\/completions/],
	['URL with doubled /v1', ['test', '--url', 'http://h:11434/v1/v1'], /has the path/],
	['URL with credentials', ['test', '--url', 'http://u:p@h:11434'], /user name or password/],
	['model with /..', ['test', '--url', 'http://h:11434', '--model', 'library/../etc'], /model name "library\/\.\.\/etc" is not a valid Ollama model name/],
	['model with a space', ['test', '--url', 'http://h:11434', '--model', 'llama 3'], /not a valid Ollama model name/],
	['model with $(...)', ['test', '--url', 'http://h:11434', '--model', '$(touch x)'], /not a valid Ollama model name/],
	['empty model', ['test', '--url', 'http://h:11434', '--model', ''], /model name is empty/],
	['10 kB model', ['test', '--url', 'http://h:11434', '--model', LONG], /too long/],
	['samples 0', ['test', '--url', 'http://h:11434', '--samples', '0'], /--samples must be a whole number from 1 to 100/],
	['samples 101', ['test', '--url', 'http://h:11434', '--samples', '101'], /--samples must be a whole number from 1 to 100/],
	['samples abc', ['test', '--url', 'http://h:11434', '--samples', 'abc'], /--samples must be a whole number/],
	['samples 1.5', ['test', '--url', 'http://h:11434', '--samples', '1.5'], /--samples must be a whole number/],
	['timeout 50', ['test', '--url', 'http://h:11434', '--timeout-ms', '50'], /--timeout-ms must be a whole number from 100 to 600000/],
	['timeout empty', ['test', '--url', 'http://h:11434', '--timeout-ms', ''], /--timeout-ms must be a whole number/],
	['chat timeout huge', ['test', '--url', 'http://h:11434', '--chat-timeout-ms', '99999999999'], /--chat-timeout-ms must be a whole number/],
	['role laptop', ['setup', '--role', 'laptop'], /--role must be "server" \(the Ollama host\) or "client"/],
	['unknown command', ['frobnicate'], /Unknown command "frobnicate"/],
	['unknown flag', ['test', '--bogus'], /Unknown flag "--bogus"/],
	['flag of another command', ['test', '--yes'], /--yes does not apply to the test command/],
	['value missing', ['test', '--url'], /--url needs a value/],
	['switch given a value', ['doctor', '--json=yes'], /--json is a switch and takes no value/],
	['flag as a value', ['test', '--url', '--json'], /--url needs a value/],
	['positional argument', ['test', 'http://h:11434'], /Unexpected argument "http:\/\/h:11434"/],
	['doctor with a bad URL', ['doctor', '--role', 'client', '--url', 'http://0.0.0.0:1'], /bind address/],
	['repair with a bad URL', ['repair', '--url', 'nourl'], /has no scheme/],
	['test with no URL and no TTY', ['test'], /--url/],
	['config path is a directory', [...CA, '--model', 'llama3.2', '--ailice-config', '/etc'], /"\/etc".* is a folder, not a file/],
	['config path is a symlink to elsewhere', [...CA, '--model', 'llama3.2', '--ailice-config', LINK], /is a symbolic link/],
	['config path under a file', [...CA, '--model', 'llama3.2', '--ailice-config', '/etc/hostname/config.json'], /a part of that path is a file/],
	['configure-ailice model with /..', [...CA, '--model', 'a/../b'], /model name "a\/\.\.\/b" is not a valid/],
	['configure-ailice provider with a space', [...CA, '--model', 'x', '--provider', 'a b'], /--provider: The provider name "a b"/],
	['configure-ailice provider with shell characters', [...CA, '--model', 'x', '--provider', '$(id)'], /--provider: The provider name/],
	['configure-ailice card without models', ['configure-ailice', '--card', `otw1:${Buffer.from(JSON.stringify({url: 'http://ollama.home.internal:11434', models: []})).toString('base64url')}`, '--yes'], /card lists no models/],
	['configure-ailice garbage card', ['configure-ailice', '--card', 'otw1:garbage', '--yes'], /--card: The connection card does not decode/],
	['configure-ailice context window 0', [...CA, '--model', 'x', '--context-window', '0'], /--context-window must be a whole number from 512/],
	['configure-ailice without --model', [...CA], /--model/],
	['configure-ailice URL with 0.0.0.0', ['configure-ailice', '--url', 'http://0.0.0.0:11434', '--model', 'x', '--yes'], /bind address/],
	['service-account empty --out', ['service-account', '--out', '', '--yes'], /--out needs a path/],
	['setup with no role and no TTY', ['setup'], /--role/],
];

describe('bad input', () => {
	let shims: string;
	let log: string;
	beforeAll(() => {
		shims = tempDir('otw-shims-');
		log = path.join(shims, 'ran.log');
		for (const name of SHIMMED) {
			const f = path.join(shims, name);
			writeFileSync(f, `#!/bin/sh\necho "${name} $*" >> '${log}'\nexit 0\n`);
			chmodSync(f, 0o755);
		}
	});

	it('has at least 30 rows', () => {
		expect(BAD_ROWS.length).toBeGreaterThanOrEqual(30);
	});

	it.each(BAD_ROWS)('%s → exit 2, a clear message, nothing run or written', (_name, args, message) => {
		const home = tempDir('otw-bad-');
		mkdirSync(path.join(home, 'cwd'));
		const r = spawnSync(process.execPath, [CLI, ...args], {
			cwd: path.join(home, 'cwd'),
			encoding: 'utf8',
			env: {PATH: `${shims}:/usr/bin:/bin`, HOME: home, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true'},
			input: '',
			timeout: 15_000,
		});
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(message);
		expect(r.stderr).toMatch(/^Error: /m);
		expect(r.stderr).not.toMatch(/\n\s+at .*\(/); // no stack trace
		expect(r.stderr.length).toBeLessThan(2000); // a 10 kB value is not echoed back whole
		expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
		expect(readdirSync(path.join(home, 'cwd'))).toEqual([]);
		expect(existsSync(path.join(home, 'state', 'journal.json'))).toBe(false);
	});

	it('a config path that cannot be read (/proc/self/mem) is a failed step with one sentence, exit 1, nothing written', () => {
		const home = tempDir('otw-bad-');
		const r = spawnSync(process.execPath, [CLI, ...CA, '--model', 'llama3.2', '--ailice-config', '/proc/self/mem'], {
			encoding: 'utf8',
			env: {PATH: `${shims}:/usr/bin:/bin`, HOME: home, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true'},
			input: '',
			timeout: 15_000,
		});
		expect(r.status).toBe(1);
		expect(r.stdout).toContain("AIlice's config.json at /proc/self/mem cannot be read (EIO). Nothing was changed.");
		expect(r.stdout + r.stderr).not.toMatch(/\n\s+at .*\(/);
		expect(existsSync(log) ? readFileSync(log, 'utf8') : '').toBe('');
	});

	it('non-UTF-8 bytes in a value are refused with exit 2', () => {
		const home = tempDir('otw-bad-');
		// Bytes 0xFF 0xFE are not UTF-8; Node decodes them to U+FFFD, which the URL rule refuses.
		const r = spawnSync('/bin/sh', ['-c', `exec "${process.execPath}" "${CLI}" test --url "$(printf 'http://h\\377\\376:11434')"`], {
			encoding: 'utf8',
			env: {PATH: `${shims}:/usr/bin:/bin`, HOME: home, OLLAMA_TUNNEL_WIZARD_STATE_DIR: path.join(home, 'state'), CI: 'true'},
		});
		expect(r.status).toBe(2);
		expect(r.stderr).toMatch(/invalid bytes/);
	});
});
