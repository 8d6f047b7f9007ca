/**
 * The first frame, drawn straight from the entry point while the rest loads (flags, journal, flows):
 * the header and the six steps from their metadata, with `q`/Ctrl-C already working. The real UI
 * replaces it as soon as it mounts; a run that turns out not to use the UI (a usage error) erases it.
 */
import {Box, Text, render, useInput, useStdin} from 'ink';
import {applyColorPolicy} from './theme.js';
import {STEP_META} from '../steps/meta.js';

function Shell({command, onQuit}: {command: string; onQuit: () => void}) {
	const {isRawModeSupported} = useStdin();
	useInput(
		(input, key) => {
			if (input === 'q' || (key.ctrl && input === 'c')) onQuit();
		},
		{isActive: Boolean(isRawModeSupported)},
	);
	return (
		<Box flexDirection="column">
			<Text bold>ollama-tunnel-wizard {command}</Text>
			<Box borderStyle="round" flexDirection="column" paddingX={1}>
				{Object.values(STEP_META).map((s) => (
					<Text key={s.id}>
						{'  '}
						{s.number} {'  '}
						{s.title}
					</Text>
				))}
			</Box>
			<Text dimColor>starting… · q quit</Text>
		</Box>
	);
}

export interface ShellHandle {
	/** Erases the shell's frame and gives the terminal back (idempotent). */
	dispose(): Promise<void>;
}

export function showShell(command: string, controller: AbortController): ShellHandle {
	// A dumb terminal gets the plain view (main.ts): no full-screen frame, not even for a moment.
	if (process.env.TERM === 'dumb') return {dispose: async () => undefined};
	applyColorPolicy();
	const instance = render(<Shell command={command} onQuit={() => controller.abort(new Error('quit before the UI was ready'))} />, {exitOnCtrlC: false});
	let disposed: Promise<void> | null = null;
	return {
		dispose() {
			disposed ??= (async () => {
				// An empty tree first, so the frame flushed at unmount erases the shell (as in mount.tsx).
				instance.rerender(<></>);
				instance.unmount();
				await instance.waitUntilExit().catch(() => undefined);
				// Ink ends even the empty frame with a newline: step back onto that line so the real UI
				// (or an error message) starts where the shell started.
				if (process.stdout.isTTY) process.stdout.write('\u001b[1A\u001b[2K');
			})();
			return disposed;
		},
	};
}
