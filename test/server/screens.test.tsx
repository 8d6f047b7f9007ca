/**
 * The three server screens of issue 3 in the real Ink prompt (InkAsker + <Prompt>, as the UI mounts
 * them), driven by the real server interviews over the fake command runner and the fake Ollama:
 * the method choice with its reasons, the security warning before the bind (no authentication), and
 * the connection card of step 3 (`otw1:`) from afterClientAddress.
 */
import {afterAll, afterEach, beforeAll, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {afterClientAddress, interviewRemoteAccess} from '../../source/app/server-interviews.js';
import {Session} from '../../source/app/session.js';
import {decodeCard} from '../../source/core/card.js';
import {SECURITY_WARNING} from '../../source/server/answers.js';
import {clientAddress} from '../../source/steps/client-address.js';
import {useStore} from '../../source/ui/hooks.js';
import {InkAsker} from '../../source/ui/ink-asker.js';
import {Prompt} from '../../source/ui/Prompt.js';
import {startFakeOllama, type FakeOllama} from '../support/fake-ollama.js';
import {KEY, press, waitForFrame} from '../support/ink-helpers.js';
import {IFCONFIG, LSOF_F1, MAC_LAN} from './fixtures.js';
import {runThrough, serverCtx, type ServerTestCtx} from './support.js';

afterEach(() => cleanup());

let server: FakeOllama;
beforeAll(async () => {
	server = await startFakeOllama();
});
afterAll(async () => {
	await server.close();
});

function Harness({asker}: {asker: InkAsker}) {
	const pending = useStore(asker);
	return pending ? <Prompt pending={pending} asker={asker} inputActive /> : null;
}

function mount() {
	const asker = new InkAsker();
	const r = render(<Harness asker={asker} />);
	return {asker, ...r};
}

/** The frame as one line of words: box borders and line wraps (Ink wraps at 100 columns here) removed. */
function words(frame: string): string {
	return frame.replace(/[│╭╮╰╯─]/g, ' ').replace(/\s+/g, ' ');
}

/** The frame with every space and border removed: a long unbroken token (the card) wraps mid-token. */
function squeezed(frame: string): string {
	return frame.replace(/[\s│╭╮╰╯─]/g, '');
}

function mac(): ServerTestCtx {
	return serverCtx({platform: 'darwin', files: {'/Applications/Ollama.app': {dir: true}}, routes: {'127.0.0.1': server.url}});
}

describe('step 2 screens in Ink', () => {
	it('the method choice shows every method with its reason; the security warning (no authentication) comes before the bind', async () => {
		const ctx = mac();
		ctx.runner.expect(
			{argv: ['id', '-u'], stdout: '501\n'},
			{argv: ['lsof', '-nP', '-iTCP:11434', '-sTCP:LISTEN'], stdout: LSOF_F1},
			{argv: ['pgrep', '-x', 'Ollama'], stdout: '853\n'},
			{argv: ['launchctl', 'getenv', 'OLLAMA_HOST']},
			{argv: ['ifconfig'], stdout: IFCONFIG},
		);
		const session = new Session({ctx, answers: {}, role: 'server', ephemeral: true});
		const ui = mount();
		const done = interviewRemoteAccess(session, ui.asker.forStep('ollama-remote-access'));

		// Screen 1a: the methods for this machine, each with why it fits (or not).
		let frame = words(await waitForFrame(ui, (f) => f.includes('Methods for this machine')));
		expect(frame).toContain('Ollama.app setting "Expose Ollama to the network": Persistent and owned by the app (app ≥ 0.9.5)');
		expect(frame).toContain('launchctl setenv OLLAMA_HOST, then restart the app: Quick and keeps the app, but the value is lost on reboot');
		expect(frame).toContain('A LaunchAgent running ollama serve (~/Library/LaunchAgents/com.ollama.server.plist): Persistent, runs the real binary found here');
		expect(frame).toMatch(/✗ Homebrew: stop the brew service, run a wizard-owned LaunchAgent: The Homebrew formula is not installed here\./);
		await press(ui.stdin, KEY.enter);

		// Screen 1b: the choice itself, recommended first, each choice's reason under it.
		frame = words(await waitForFrame(ui, (f) => f.includes('? How should Ollama get its new address?')));
		expect(frame).toContain('Ollama.app setting "Expose Ollama to the network" (recommended)');
		expect(frame).toContain('launchctl setenv OLLAMA_HOST, then restart the app');
		// Each choice's reason is under the list, named in words (never by its flag value).
		expect(frame).toContain('(recommended): Persistent and owned by the app');
		expect(frame).toContain('restart the app: Quick and keeps the app, but the value is lost on reboot');
		expect(frame).toMatch(/: Persistent, runs the real binary found here with OLLAMA_HOST/);
		expect(frame).not.toMatch(/\b(app-setting|setenv|launchagent|brew):/);
		await press(ui.stdin, KEY.down, KEY.down, KEY.enter); // the LaunchAgent

		// Screen 2: the security warning, before the bind is chosen.
		frame = words(await waitForFrame(ui, (f) => f.includes('Before you choose: security')));
		expect(frame).toContain(SECURITY_WARNING);
		expect(frame).toContain('Ollama has no authentication');
		expect(frame).not.toContain('Where should Ollama listen?');
		await press(ui.stdin, KEY.enter);

		frame = words(await waitForFrame(ui, (f) => f.includes('? Where should Ollama listen?')));
		expect(frame).toContain("0.0.0.0:11434 — every interface (as in Ollama's FAQ)");
		expect(frame).toContain(`${MAC_LAN}:11434 — this LAN address only (safer)`);
		await press(ui.stdin, KEY.down, KEY.enter); // the LAN address

		await waitForFrame(ui, (f) => f.includes('Quit it'));
		await press(ui.stdin, 'y');
		await done;
		ctx.runner.assertDone();
		expect(session.answers).toMatchObject({method: 'launchagent', bind: `${MAC_LAN}:11434`, quitApp: true});
	});
});

describe('step 3 screen in Ink', () => {
	it('the connection card: one otw1: line on screen, with how to use it on the AIlice side', async () => {
		const ctx = serverCtx({platform: 'darwin', routes: {'127.0.0.1': server.url}});
		ctx.runner.expect({argv: ['ifconfig'], stdout: IFCONFIG}, {argv: ['scutil', '--get', 'LocalHostName'], stdout: 'Studio-Mac\n'});
		const session = new Session({ctx, answers: {alias: 'ollama.home.internal'}, role: 'server', ephemeral: true});
		const outcome = await runThrough(clientAddress, ctx, session.answers, 'check');
		const card = outcome.result.data?.card as string;
		expect(card).toMatch(/^otw1:/);

		const ui = mount();
		const done = afterClientAddress(session, ui.asker.forStep('client-address'), outcome);
		const frame = await waitForFrame(ui, (f) => f.includes('Connection card for the AIlice side'));
		expect(frame).toContain('otw1:');
		expect(squeezed(frame)).toContain(card);
		expect(words(frame)).toContain('setup --role client --card <line>');
		expect(decodeCard(card)).toEqual({ok: true, card: {url: 'http://ollama.home.internal:11434', models: ['llama3.2:latest', 'qwen2.5-coder:7b'], version: '0.17.2'}});
		await press(ui.stdin, KEY.enter);
		await done;
		ctx.runner.assertDone();
	});
});
