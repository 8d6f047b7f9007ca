import {afterEach, describe, expect, it} from 'vitest';
import {cleanup, render} from 'ink-testing-library';
import {CancelledError} from '../../source/core/exit-codes.js';
import {useStore} from '../../source/ui/hooks.js';
import {InkAsker, SkipStepError} from '../../source/ui/ink-asker.js';
import {Prompt} from '../../source/ui/Prompt.js';
import {KEY, press, tick, waitForFrame} from '../support/ink-helpers.js';

afterEach(() => cleanup());

function Harness({asker}: {asker: InkAsker}) {
	const pending = useStore(asker);
	return pending ? <Prompt pending={pending} asker={asker} inputActive /> : null;
}

function mount(signal?: AbortSignal) {
	const asker = new InkAsker(signal);
	const r = render(<Harness asker={asker} />);
	return {asker, ...r};
}

describe('Ink asker and prompts', () => {
	it('masks a secret answer and resolves with what was typed', async () => {
		const {asker, stdin, lastFrame} = mount();
		const answer = asker.text({message: 'Twingate service key', flag: '--service-key-file', secret: true});
		await waitForFrame({lastFrame}, (f) => f.includes('? Twingate service key'));
		await tick();
		await press(stdin, 'hunter22');
		const frame = await waitForFrame({lastFrame}, (f) => f.includes('********'));
		expect(frame).not.toContain('hunter22');
		await press(stdin, KEY.enter);
		await expect(answer).resolves.toBe('hunter22');
	});

	it('select: Enter picks the default, arrows move', async () => {
		const {asker, stdin, lastFrame} = mount();
		const q = {message: 'Which machine is this?', flag: '--role', choices: [{value: 'server', name: 'The Ollama host'}, {value: 'client', name: 'The AIlice side', description: 'Steps 4–6.'}]};
		const first = asker.select({...q, default: 'client'});
		await waitForFrame({lastFrame}, (f) => f.includes('The AIlice side') && f.includes('client: Steps 4–6.'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(first).resolves.toBe('client');

		const second = asker.select(q);
		await waitForFrame({lastFrame}, (f) => f.includes('The Ollama host'));
		await tick();
		await press(stdin, KEY.down, KEY.enter);
		await expect(second).resolves.toBe('client');
	});

	it('confirm: y/n and Enter takes the default; a note is dismissed with Enter', async () => {
		const {asker, stdin, lastFrame} = mount();
		const no = asker.confirm({message: 'Apply?', flag: '--yes', default: false});
		await waitForFrame({lastFrame}, (f) => f.includes('? Apply?') && f.includes('y/N'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(no).resolves.toBe(false);

		const yes = asker.confirm({message: 'Apply again?', flag: '--yes'});
		await waitForFrame({lastFrame}, (f) => f.includes('? Apply again?'));
		await tick();
		await press(stdin, 'y');
		await expect(yes).resolves.toBe(true);

		const note = asker.note('Connection card', 'otw1:abc');
		await waitForFrame({lastFrame}, (f) => f.includes('otw1:abc') && f.includes('Press enter to continue'));
		await tick();
		await press(stdin, KEY.enter);
		await expect(note).resolves.toBeUndefined();
	});

	it('skip: a step question rejects with SkipStepError, a confirmation is declined, a question outside a step cannot be skipped', async () => {
		const asker = new InkAsker();
		const text = asker.forStep('ailice-config').text({message: 'Path?', flag: '--ailice-config'});
		expect(asker.skip(asker.getSnapshot()!.id)).toBe(true);
		await expect(text).rejects.toBeInstanceOf(SkipStepError);

		const confirm = asker.forStep('ailice-config').confirm({message: 'Apply?', flag: '--yes'});
		asker.skip(asker.getSnapshot()!.id);
		await expect(confirm).resolves.toBe(false);

		const role = asker.select({message: 'Role?', flag: '--role', choices: [{value: 'server', name: 'server'}]});
		expect(asker.skip(asker.getSnapshot()!.id)).toBe(false);
		asker.answer(asker.getSnapshot()!.id, 'server');
		await expect(role).resolves.toBe('server');
	});

	it('queues questions and rejects all of them with CancelledError on abort', async () => {
		const controller = new AbortController();
		const asker = new InkAsker(controller.signal);
		const a = asker.text({message: 'A', flag: '--a'});
		const b = asker.confirm({message: 'B', flag: '--b'});
		expect(asker.pendingCount).toBe(2);
		expect(asker.getSnapshot()?.kind).toBe('text');
		controller.abort();
		await expect(a).rejects.toBeInstanceOf(CancelledError);
		await expect(b).rejects.toBeInstanceOf(CancelledError);
		expect(asker.getSnapshot()).toBeNull();
		await expect(asker.text({message: 'C', flag: '--c'})).rejects.toBeInstanceOf(CancelledError);
	});
});
