// Builds dist/cli.js once before the suite, so tests of the built binary run on the current source.
import {execFileSync} from 'node:child_process';

export default function setup(): void {
	execFileSync(process.execPath, ['scripts/build.mjs'], {stdio: 'inherit'});
}
