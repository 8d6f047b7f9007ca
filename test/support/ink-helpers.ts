/**
 * Helpers for ink-testing-library: a frame only updates after one macrotask
 * tick (setImmediate, then setTimeout 0), so tests poll for the frame they expect instead of sleeping.
 */

/** One React/Ink scheduling tick. */
export function tick(): Promise<void> {
	return new Promise((resolve) => setImmediate(() => setTimeout(resolve, 0)));
}

export interface FrameSource {
	lastFrame(): string | undefined;
}

/** Poll until the last frame satisfies `predicate` (then one more tick); fails with the last frame when it never does. */
export async function waitForFrame(source: FrameSource, predicate: (frame: string) => boolean, timeoutMs = 3000): Promise<string> {
	const deadline = Date.now() + timeoutMs;
	for (;;) {
		const frame = source.lastFrame() ?? '';
		if (predicate(frame)) {
			// One more tick, so input handlers of what was just drawn subscribe before the next key.
			await tick();
			return frame;
		}
		if (Date.now() > deadline) throw new Error(`frame never matched within ${timeoutMs} ms; last frame:\n${frame}`);
		await tick();
	}
}

/** Poll until `condition()` holds. */
export async function waitFor(condition: () => boolean, timeoutMs = 3000, what = 'condition'): Promise<void> {
	const deadline = Date.now() + timeoutMs;
	while (!condition()) {
		if (Date.now() > deadline) throw new Error(`${what} never held within ${timeoutMs} ms`);
		await tick();
	}
}

/** Write keys, then give the handlers a tick to re-register with fresh closures before the next key. */
export async function press(stdin: {write(data: string): void}, ...keys: string[]): Promise<void> {
	for (const key of keys) {
		stdin.write(key);
		await tick();
		await tick();
	}
}

export const KEY = {
	up: '\u001B[A',
	down: '\u001B[B',
	enter: '\r',
	escape: '\u001B',
	backspace: '\u007F',
	ctrlC: '\u0003',
} as const;

/**
 * The last frame the app drew. Under CI=true (the vitest env) Ink writes one more, empty, frame at
 * unmount, so after exit use this instead of lastFrame().
 */
export function lastDrawnFrame(source: {frames: string[]}): string {
	for (let i = source.frames.length - 1; i >= 0; i--) {
		const frame = source.frames[i] ?? '';
		if (frame.trim() !== '') return frame;
	}
	return '';
}
