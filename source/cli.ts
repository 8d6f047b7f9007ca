#!/usr/bin/env node
/**
 * Entry point. --version and --help answer before anything heavy is loaded (no React, no Ink);
 * everything else is imported on demand.
 */
declare const __WIZARD_VERSION__: string | undefined;

async function version(): Promise<string> {
	if (typeof __WIZARD_VERSION__ === 'string') return __WIZARD_VERSION__;
	const {readFileSync} = await import('node:fs');
	const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {version: string};
	return pkg.version;
}

/** Commands that open the full-screen UI on a terminal. */
const SHELL_COMMANDS = new Set(['setup', 'test', 'doctor', 'repair', 'undo']);

async function entry(): Promise<number> {
	const argv = process.argv.slice(2);
	if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
		process.stdout.write(`${await version()}\n`);
		return 0;
	}
	if (argv.includes('--help') || argv.includes('-h')) {
		const {helpFor} = await import('./cli/help.js');
		process.stdout.write(helpFor(argv));
		return 0;
	}
	const {exitCodeForSignal} = await import('./core/exit-codes.js');
	const controller = new AbortController();
	// First Ctrl-C, SIGTERM or SIGHUP (the terminal was closed): abort everything (children and their
	// process groups are killed, the journal is closed normally) and exit once the flow unwinds: 130,
	// or 129 after SIGHUP. A second one exits at once. The listeners stay, so Node never falls back
	// to dying mid-write.
	let signalled: NodeJS.Signals | undefined;
	const onSignal = (signal: NodeJS.Signals) => {
		const code = exitCodeForSignal(signalled ?? signal);
		process.exitCode = code;
		if (signalled) process.exit(code);
		signalled = signal;
		controller.abort(new Error(`received ${signal}`));
	};
	process.on('SIGINT', onSignal);
	process.on('SIGTERM', onSignal);
	process.on('SIGHUP', onSignal);
	// A reader that goes away (`| head`), or a terminal that was closed (EIO), must not crash the run
	// mid-apply: stop writing, finish the work.
	let stdoutOpen = true;
	let stderrOpen = true;
	process.stdout.on('error', (error: NodeJS.ErrnoException) => {
		if (error.code === 'EPIPE' || error.code === 'EIO' || error.code === 'ERR_STREAM_DESTROYED') stdoutOpen = false;
	});
	process.stderr.on('error', () => {
		stderrOpen = false;
	});
	// Likely a full-screen run: draw its first frame now, from the step list alone, and load the rest
	// behind it (main.ts decides for real and erases this frame if the UI is not used after all).
	const first = argv[0];
	const {isCi, dropEmptyCi} = await import('./cli/ci.js');
	const command = first && !first.startsWith('-') ? first : 'setup';
	let shell: {dispose(): Promise<void>} | undefined;
	if (process.stdin.isTTY && process.stdout.isTTY && !isCi(process.env) && !argv.includes('--json') && !argv.includes('--plain') && SHELL_COMMANDS.has(command)) {
		dropEmptyCi();
		const {showShell} = await import('./ui/shell.js');
		shell = showShell(command, controller);
	}
	const {main} = await import('./cli/main.js');
	const code = await main({
		argv,
		env: process.env,
		stdinIsTTY: Boolean(process.stdin.isTTY),
		stdoutIsTTY: Boolean(process.stdout.isTTY),
		out: (line) => {
			if (stdoutOpen) process.stdout.write(`${line}\n`);
		},
		err: (line) => {
			if (stderrOpen) process.stderr.write(`${line}\n`);
		},
		controller,
		shell,
	}).finally(() => shell?.dispose());
	// A run cut short by SIGHUP says so in its exit code, whatever the flow made of the cancel.
	return signalled === 'SIGHUP' && code !== 0 ? exitCodeForSignal('SIGHUP') : code;
}

entry().then(
	(code) => {
		process.exitCode = code;
		// Let stdout drain; anything still running was aborted by the signal handler.
		setTimeout(() => process.exit(code), 50).unref();
	},
	(error: unknown) => {
		process.stderr.write(`Unexpected error: ${(error as Error)?.message ?? String(error)}\n`);
		process.exit(1);
	},
);
