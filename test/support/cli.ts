/** Runs the built CLI (dist/cli.js) as a user would, with its own temp state dir and HOME. */
import {spawn} from 'node:child_process';
import path from 'node:path';
import {fileURLToPath} from 'node:url';
import {tempDir} from './fake-ctx.js';

export const CLI = fileURLToPath(new URL('../../dist/cli.js', import.meta.url));

export interface CliResult {
	code: number | null;
	stdout: string;
	stderr: string;
	home: string;
	stateDir: string;
}

export interface RunCliOptions {
	env?: Record<string, string>;
	input?: string;
	home?: string;
	timeoutMs?: number;
	/** Another copy of the built CLI (default dist/cli.js). */
	cli?: string;
	/** Working folder (default: this process's). */
	cwd?: string;
}

export async function runCli(args: string[], opts: RunCliOptions = {}): Promise<CliResult> {
	const home = opts.home ?? tempDir('otw-home-');
	const stateDir = path.join(home, 'wizard-state');
	const env: Record<string, string> = {
		PATH: process.env.PATH ?? '/usr/bin:/bin',
		HOME: home,
		XDG_CONFIG_HOME: path.join(home, '.config'),
		OLLAMA_TUNNEL_WIZARD_STATE_DIR: stateDir,
		CI: 'true',
		NO_COLOR: '1',
		...opts.env,
	};
	return new Promise((resolve, reject) => {
		const child = spawn(process.execPath, [opts.cli ?? CLI, ...args], {env, stdio: ['pipe', 'pipe', 'pipe'], cwd: opts.cwd});
		let stdout = '';
		let stderr = '';
		child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
		child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
		const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 20_000);
		child.on('error', reject);
		child.on('close', (code) => {
			clearTimeout(timer);
			resolve({code, stdout, stderr, home, stateDir});
		});
		child.stdin.end(opts.input ?? '');
	});
}
