import {describe, expect, it} from 'vitest';
import {parseLaunchctlError, parseLaunchctlList, parseLaunchctlListDict, parseLaunchctlPrint} from '../../source/parsers/launchctl.js';

// F17, `launchctl print gui/501/<label>` [3rd-party fixture]. Tabs as in the source.
const F17 = [
	'gui/501/com.example.agent = {',
	'\tactive count = 1',
	'\tpath = /Users/me/Library/LaunchAgents/com.example.agent.plist',
	'\ttype = LaunchAgent',
	'\tstate = running',
	'',
	'\tprogram = /opt/homebrew/opt/ollama/bin/ollama',
	'\targuments = {',
	'\t\t/opt/homebrew/opt/ollama/bin/ollama',
	'\t\tserve',
	'\t}',
	'',
	'\tenvironment = {',
	'\t\tOLLAMA_HOST => 0.0.0.0:11434',
	'\t\tXPC_SERVICE_NAME => com.example.agent',
	'\t}',
	'',
	'\tpid = 4242',
	'\tlast exit code = 0',
	'}',
].join('\n');

// F15, `brew services info ollama -d` [verbatim #3581]; 8-space indents as in the source.
const F15 = [
	'==> /bin/launchctl list homebrew.mxcl.ollama',
	'{',
	'        "StandardOutPath" = "/opt/homebrew/var/log/ollama.log";',
	'        "LimitLoadToSessionType" = "Aqua";',
	'        "StandardErrorPath" = "/opt/homebrew/var/log/ollama.log";',
	'        "Label" = "homebrew.mxcl.ollama";',
	'        "OnDemand" = false;',
	'        "LastExitStatus" = 0;',
	'        "PID" = 24901;',
	'        "Program" = "/opt/homebrew/opt/ollama/bin/ollama";',
	'        "ProgramArguments" = (',
	'                "/opt/homebrew/opt/ollama/bin/ollama";',
	'                "serve";',
	'        );',
	'};',
	'ollama (homebrew.mxcl.ollama)',
	'Running: ✔',
	'Loaded: ✔',
	'Schedulable: ✘',
	'User: MyUser',
	'PID: 24901',
].join('\n');

describe('parseLaunchctlPrint', () => {
	it('F17: running agent with program, arguments, environment, pid', () => {
		expect(parseLaunchctlPrint(F17, 0)).toEqual({
			ok: true,
			found: true,
			state: 'running',
			pid: 4242,
			program: '/opt/homebrew/opt/ollama/bin/ollama',
			path: '/Users/me/Library/LaunchAgents/com.example.agent.plist',
			arguments: ['/opt/homebrew/opt/ollama/bin/ollama', 'serve'],
			environment: {OLLAMA_HOST: '0.0.0.0:11434', XPC_SERVICE_NAME: 'com.example.agent'},
			lastExitCode: 0,
		});
	});

	it('F17: only the first top-level `state =` counts; nested blocks say `state = active`', () => {
		const nested = F17.replace(
			'\tstate = running',
			['\tendpoints = {', '\t\t"com.example.agent.xpc" = {', '\t\t\tstate = active', '\t\t}', '\t}', '\tstate = not running', '\tstate = running'].join('\n'),
		);
		const result = parseLaunchctlPrint(nested, 0);
		expect(result.ok && result.state).toBe('not running');
		// Nested `state = active` placed before any top-level state still does not count.
		const nestedFirst = F17.replace('\tstate = running', ['\tevent triggers = {', '\t\tstate = active', '\t}', '\tstate = spawn scheduled'].join('\n'));
		expect(parseLaunchctlPrint(nestedFirst, 0).state).toBe('spawn scheduled');
	});

	it('F17: crash loop `spawn scheduled` with `last exit code = 78: EX_CONFIG`; `(never exited)`', () => {
		const crash = F17.replace('\tstate = running', '\tstate = spawn scheduled').replace('\tpid = 4242\n', '').replace('last exit code = 0', 'last exit code = 78: EX_CONFIG');
		const result = parseLaunchctlPrint(crash, 0);
		expect(result).toMatchObject({ok: true, found: true, state: 'spawn scheduled', lastExitCode: 78, lastExitDetail: 'EX_CONFIG'});
		expect(result.pid).toBeUndefined();
		const never = parseLaunchctlPrint(F17.replace('last exit code = 0', 'last exit code = (never exited)'), 0);
		expect(never.lastExitCode).toBeUndefined();
	});

	it('F17: `OLLAMA_NUM_PARALLEL => 4` environment format (verbatim #12916)', () => {
		const result = parseLaunchctlPrint(F17.replace('\t\tXPC_SERVICE_NAME', '\t\tOLLAMA_NUM_PARALLEL => 4\n\t\tXPC_SERVICE_NAME'), 0);
		expect(result.environment.OLLAMA_NUM_PARALLEL).toBe('4');
	});

	it('F17: not loaded → found:false (exit 113, `Could not find service`)', () => {
		const text = 'Could not find service "com.example.agent" in domain for user gui: 501\n';
		expect(parseLaunchctlPrint(text, 113)).toEqual({ok: true, found: false, environment: {}});
		expect(parseLaunchctlPrint('', 113)).toEqual({ok: true, found: false, environment: {}});
		expect(parseLaunchctlPrint(text, 0).found).toBe(false);
	});

	it('other failures and garbage → ok:false with a sentence', () => {
		const noDomain = parseLaunchctlPrint('Could not find domain for user gui: 501\n', 125);
		expect(noDomain.ok).toBe(false);
		if (!noDomain.ok) expect(noDomain.problem).toBe('launchctl print exited with code 125: "Could not find domain for user gui: 501".');
		const empty = parseLaunchctlPrint('', 0);
		expect(empty.ok).toBe(false);
		if (!empty.ok) expect(empty.problem).toBe('launchctl print printed nothing.');
		expect(parseLaunchctlPrint('Usage: launchctl print <service-target>', 0).ok).toBe(false);
	});
});

describe('parseLaunchctlListDict', () => {
	it('F15: the dict inside `brew services info ollama -d`', () => {
		const result = parseLaunchctlListDict(F15);
		expect(result).toMatchObject({
			ok: true,
			found: true,
			label: 'homebrew.mxcl.ollama',
			pid: 24901,
			program: '/opt/homebrew/opt/ollama/bin/ollama',
			programArguments: ['/opt/homebrew/opt/ollama/bin/ollama', 'serve'],
			lastExitStatus: 0,
		});
		expect(result.values.OnDemand).toBe(false);
		expect(result.values.LimitLoadToSessionType).toBe('Aqua');
		expect(result.values.StandardOutPath).toBe('/opt/homebrew/var/log/ollama.log');
	});

	it('F15: legacy `launchctl list <label>` (tabs, no PID when stopped, nested dict skipped)', () => {
		const text = [
			'{',
			'\t"LimitLoadToSessionType" = "Aqua";',
			'\t"MachServices" = {',
			'\t\t"com.example.xpc" = mach-port-object;',
			'\t};',
			'\t"Label" = "com.ollama.ollama";',
			'\t"OnDemand" = true;',
			'\t"LastExitStatus" = 19968;',
			'\t"Program" = "/Applications/Ollama.app/Contents/Resources/ollama";',
			'};',
		].join('\n');
		const result = parseLaunchctlListDict(text);
		expect(result).toMatchObject({ok: true, found: true, label: 'com.ollama.ollama', lastExitStatus: 19968});
		expect(result.pid).toBeUndefined();
		expect(result.values['com.example.xpc']).toBeUndefined();
	});

	it('not found, empty, cut off → found:false / ok:false with a sentence', () => {
		expect(parseLaunchctlListDict('Could not find service "x" in domain for port\n')).toEqual({ok: true, found: false, values: {}});
		const empty = parseLaunchctlListDict('');
		expect(empty.ok).toBe(false);
		if (!empty.ok) expect(empty.problem).toBe('launchctl list printed nothing.');
		const cut = parseLaunchctlListDict(F15.split('\n').slice(0, 8).join('\n'));
		expect(cut.ok).toBe(false);
		if (!cut.ok) expect(cut.problem).toContain('cut off');
	});
});

describe('parseLaunchctlList', () => {
	it('F14: `launchctl list | grep -i ollama`, app launched as an application job', () => {
		expect(parseLaunchctlList('70718\t0\tapplication.com.electron.ollama.61282955.61282961\n')).toEqual({
			ok: true,
			jobs: [{pid: 70718, status: 0, label: 'application.com.electron.ollama.61282955.61282961'}],
		});
	});

	it('header, stopped jobs, signals; empty grep; garbage', () => {
		const result = parseLaunchctlList('PID\tStatus\tLabel\n-\t78\thomebrew.mxcl.ollama\n-\t-15\tcom.ollama.ollama\n');
		expect(result.jobs).toEqual([
			{pid: null, status: 78, label: 'homebrew.mxcl.ollama'},
			{pid: null, status: -15, label: 'com.ollama.ollama'},
		]);
		expect(parseLaunchctlList('')).toEqual({ok: true, jobs: []});
		expect(parseLaunchctlList('not a row').ok).toBe(false);
	});
});

describe('parseLaunchctlError', () => {
	it('F18: launchctl error texts', () => {
		expect(parseLaunchctlError('Bootstrap failed: 5: Input/output error\n')).toBe('already-loaded');
		expect(parseLaunchctlError('Could not find domain for user gui: 501\n')).toBe('no-gui-domain');
	});

	it('related texts and unknown', () => {
		expect(parseLaunchctlError('Bootstrap failed: 125: Domain does not support specified action')).toBe('no-gui-domain');
		expect(parseLaunchctlError('Boot-out failed: 3: No such process')).toBe('not-loaded');
		expect(parseLaunchctlError('Could not find service "x" in domain for user gui: 501')).toBe('not-loaded');
		expect(parseLaunchctlError('Bootstrap failed: 37: Operation already in progress')).toBe('already-loaded');
		expect(parseLaunchctlError('')).toBe('unknown');
		expect(parseLaunchctlError('Load failed: 122: Path had bad ownership/permissions')).toBe('unknown');
	});
});
