/**
 * The published package as a user gets it: `npm pack`, install the tarball into an empty prefix with
 * no network (it has no dependencies: everything is bundled), run the installed binary.
 */
import {execFileSync} from 'node:child_process';
import {readdirSync} from 'node:fs';
import path from 'node:path';
import {describe, expect, it} from 'vitest';
import {tempDir} from './support/fake-ctx.js';

const root = path.resolve(import.meta.dirname, '..');

describe('npm package', () => {
	it('packs, installs offline into an empty prefix, and the installed binary answers --version and --help', () => {
		const out = tempDir('otw-pack-');
		const npmEnv = {...process.env, npm_config_cache: path.join(out, 'cache'), npm_config_update_notifier: 'false'};
		// --ignore-scripts: dist/ was built by the global setup; rebuilding here would race the other CLI tests.
		execFileSync('npm', ['pack', '--silent', '--ignore-scripts', '--pack-destination', out], {cwd: root, env: npmEnv, stdio: ['ignore', 'pipe', 'pipe']});
		const tarball = readdirSync(out).find((f) => f.endsWith('.tgz'));
		expect(tarball).toBeDefined();
		const prefix = path.join(out, 'prefix');
		execFileSync('npm', ['install', '--global', '--prefix', prefix, '--offline', '--no-audit', '--no-fund', path.join(out, tarball ?? '')], {
			env: npmEnv,
			stdio: ['ignore', 'pipe', 'pipe'],
		});
		// Nothing else was pulled in: the package has no runtime dependencies.
		const installed = path.join(prefix, 'lib', 'node_modules', 'ollama-tunnel-wizard');
		expect(readdirSync(installed)).not.toContain('node_modules');
		const bin = path.join(prefix, 'bin', 'ollama-tunnel-wizard');
		const version = execFileSync(bin, ['--version'], {encoding: 'utf8'}).trim();
		expect(version).toMatch(/^\d+\.\d+\.\d+/);
		const help = execFileSync(bin, ['--help'], {encoding: 'utf8'});
		expect(help).toContain('Usage: ollama-tunnel-wizard');
		// A real command that loads the main chunk works from the installed copy too.
		const bad = (() => {
			try {
				execFileSync(bin, ['test', '--url', 'http://0.0.0.0:11434'], {encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe']});
				return null;
			} catch (error) {
				return error as {status: number; stderr: string};
			}
		})();
		expect(bad?.status).toBe(2);
		expect(bad?.stderr).toMatch(/bind address, not a destination/);
	}, 60_000);
});
