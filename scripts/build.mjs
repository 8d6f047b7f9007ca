// Bundles the CLI into one ESM file with every runtime dependency inside (ux-anchors §4.5 recipe):
// react-devtools-core aliased to an empty stub, a createRequire banner for CJS deps, production React.
import {build} from 'esbuild';
import {readFileSync, chmodSync} from 'node:fs';
import {fileURLToPath} from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}package.json`, 'utf8'));

await build({
	entryPoints: [`${root}source/cli.ts`],
	outfile: `${root}dist/cli.js`,
	bundle: true,
	platform: 'node',
	format: 'esm',
	target: 'node20.19',
	splitting: false,
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
chmodSync(`${root}dist/cli.js`, 0o755);
