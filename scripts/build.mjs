// Bundles the CLI into ESM files (an entry plus lazily loaded chunks) with every runtime dependency inside:
// react-devtools-core aliased to an empty stub, a createRequire banner for CJS deps, production React.
import {build} from 'esbuild';
import {readFileSync, chmodSync, rmSync, renameSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

// Build beside dist/ and swap it in at the end, so a test running the CLI never sees a half-built dist/.
const out = `${root}dist.tmp-${process.pid}`;
rmSync(out, {recursive: true, force: true});
await build({
	entryPoints: [`${root}source/cli.ts`],
	outdir: out,
	entryNames: '[name]',
	chunkNames: 'chunks/[name]-[hash]',
	bundle: true,
	platform: 'node',
	// Prefer ESM builds: jsonc-parser's UMD "main" requires './impl/format' at run time, which a bundle cannot.
	mainFields: ['module', 'main'],
	format: 'esm',
	target: 'node20.19',
	// Dynamic imports become chunks: --version/--help load a few KB, --json and plain runs never
	// load React or Ink; every runtime dependency is still inside dist/ (nothing to install).
	splitting: true,
	minify: process.env.WIZARD_BUILD_MINIFY !== '0',
	legalComments: 'none',
	alias: {'react-devtools-core': `${root}scripts/stubs/empty.js`},
	// CJS dependencies call require() and read __filename (write-file-atomic): give them both.
	banner: {
		js: [
			"import {createRequire as __cr} from 'node:module';",
			"import {fileURLToPath as __fu} from 'node:url';",
			'const require = __cr(import.meta.url);',
			'const __filename = __fu(import.meta.url);',
			"const __dirname = __filename.replace(/[\\/][^\\/]*$/, '');",
		].join(' '),
	},
	define: {'process.env.NODE_ENV': '"production"', __WIZARD_VERSION__: JSON.stringify(pkg.version)},
	logLevel: 'warning',
});
chmodSync(`${out}/cli.js`, 0o755);
// Swap: the old dist/ is moved aside first, so dist/ is missing only between two renames.
const old = `${root}dist.old-${process.pid}`;
let hadOld = true;
try {
	renameSync(`${root}dist`, old);
} catch {
	hadOld = false;
}
renameSync(out, `${root}dist`);
if (hadOld) rmSync(old, {recursive: true, force: true});
