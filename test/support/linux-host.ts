/**
 * A Linux Ollama host for the server path, built from fakes, so nothing real under /etc is touched and
 * no real service is restarted:
 *
 * - The CLI's tmux server starts inside its own mount and network namespaces (`unshare -m -n`, as
 *   root): a temp folder is bind-mounted over /etc/systemd/system (holding the `ollama.service` the
 *   official installer writes), and the loopback interface (with the LAN address 192.168.1.50 on it)
 *   is private, so port 11434 is free whatever runs on the machine.
 * - A tiny Ollama (node:http: `/`, `/api/version`, `/api/tags`) runs as "the service", first on
 *   127.0.0.1:11434 (Ollama's default).
 * - Stateful fake commands first on PATH: `systemctl` (is-active, show, daemon-reload, restart/start:
 *   restarts the tiny Ollama on the OLLAMA_HOST the drop-in sets), `ss` (who listens, from that
 *   state), `ip -j addr`, `hostname`, `id -u` (1000: not root, so sudo is used), `docker` (no
 *   containers) and `sudo` (runs the command). Every call is logged, one line each, to `calls.log`.
 *
 * Needs Linux, root (for unshare and mount) and tmux.
 */
import {spawnSync} from 'node:child_process';
import {chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import path from 'node:path';

export const LAN_ADDRESS = '192.168.1.50';
export const UNIT = '[Unit]\nDescription=Ollama Service\nAfter=network-online.target\n\n[Service]\nExecStart=/usr/local/bin/ollama serve\nUser=ollama\nGroup=ollama\nRestart=always\nRestartSec=3\n\n[Install]\nWantedBy=default.target\n';

/** Can this process make the namespaces (Linux, root, unshare and mount allowed)? */
export function namespacesAvailable(): {ok: true} | {ok: false; reason: string} {
	if (process.platform !== 'linux') return {ok: false, reason: 'the systemd server path runs only on Linux'};
	if (process.getuid?.() !== 0) return {ok: false, reason: 'the systemd server path needs root to bind-mount a fake /etc/systemd/system in a private mount namespace'};
	const r = spawnSync('unshare', ['-m', '-n', '--propagation', 'private', 'sh', '-c', 'mount -t tmpfs none /mnt && ip link set lo up'], {encoding: 'utf8'});
	if (r.status !== 0) return {ok: false, reason: `unshare/mount are not allowed here: ${(r.stderr || String(r.error)).trim()}`};
	return {ok: true};
}

function tool(name: string): string {
	const r = spawnSync('sh', ['-c', `command -v ${name}`], {encoding: 'utf8'});
	return r.stdout.trim() || name;
}

const OLLAMA = `import http from 'node:http';
const [host, port] = (() => { const s = process.argv[2]; const i = s.lastIndexOf(':'); return [s.slice(0, i), Number(s.slice(i + 1))]; })();
const models = [{name: 'llama3.2:latest', model: 'llama3.2:latest', modified_at: '2026-01-01T00:00:00Z', size: 2019393189, digest: 'a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72', details: {format: 'gguf', family: 'llama', families: ['llama'], parameter_size: '3.2B', quantization_level: 'Q4_K_M'}}];
const json = (res, body) => { res.writeHead(200, {'content-type': 'application/json; charset=utf-8'}); res.end(JSON.stringify(body)); };
http.createServer((req, res) => {
  const p = (req.url ?? '/').split('?')[0];
  if (p === '/') { res.writeHead(200, {'content-type': 'text/plain; charset=utf-8'}); res.end('Ollama is running'); }
  else if (p === '/api/version') json(res, {version: '0.17.2'});
  else if (p === '/api/tags') json(res, {models});
  else if (p === '/api/ps') json(res, {models: []});
  else if (p === '/v1/models') json(res, {object: 'list', data: models.map((m) => ({id: m.name, object: 'model', created: 0, owned_by: 'library'}))});
  else { res.writeHead(404, {'content-type': 'text/plain'}); res.end('404 page not found'); }
}).listen(port, host);
`;

export interface LinuxHost {
	/** Where the fake commands live (put first on PATH). */
	bin: string;
	/** The folder mounted over /etc/systemd/system inside the namespace. */
	etcSystemd: string;
	/** A `tmux` that starts its server inside the namespaces (first on the test process's PATH for `start`). */
	tmuxWrapperDir: string;
	/** Every fake command call, in order. */
	calls(): string[];
	/** Where the tiny Ollama listens now (`HOST:PORT`). */
	listening(): string;
	/** Stops the tiny Ollama. */
	stop(): void;
}

export function linuxHost(dir: string): LinuxHost {
	const bin = path.join(dir, 'fake-bin');
	const wrap = path.join(dir, 'tmux-wrap');
	const etcSystemd = path.join(dir, 'etc-systemd-system');
	const log = path.join(dir, 'calls.log');
	const pidFile = path.join(dir, 'ollama.pid');
	const listenFile = path.join(dir, 'ollama.listen');
	const server = path.join(dir, 'tiny-ollama.mjs');
	for (const d of [bin, wrap, etcSystemd]) mkdirSync(d, {recursive: true});
	writeFileSync(path.join(etcSystemd, 'ollama.service'), UNIT);
	writeFileSync(server, OLLAMA);
	writeFileSync(log, '');
	const node = process.execPath;
	const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
	const logLine = (name: string) => `printf '%s\\n' "${name} $*" >> ${q(log)}`;
	const start = [
		`if [ -f ${q(pidFile)} ]; then kill "$(cat ${q(pidFile)})" 2>/dev/null; sleep 0.1; fi`,
		'host=127.0.0.1:11434',
		'for f in /etc/systemd/system/ollama.service.d/*.conf; do',
		'  [ -f "$f" ] || continue',
		`  v=$(sed -n 's/^Environment=["]\\{0,1\\}OLLAMA_HOST=\\([^" ]*\\).*/\\1/p' "$f" | tail -1)`,
		'  [ -n "$v" ] && host=$v',
		'done',
		'case "$host" in *:*) ;; *) host="$host:11434" ;; esac',
		`setsid ${q(node)} ${q(server)} "$host" > ${q(path.join(dir, 'ollama.log'))} 2>&1 < /dev/null &`,
		`echo $! > ${q(pidFile)}`,
		`echo "$host" > ${q(listenFile)}`,
		'sleep 0.3',
	].join('\n');
	const scripts: Record<string, string> = {
		sudo: `${logLine('sudo')}\nexec "$@"\n`,
		systemctl: [
			logLine('systemctl'),
			'case "$1" in',
			'  is-active) if [ "$2" = ollama ]; then echo active; exit 0; fi; echo inactive; exit 3 ;;',
			'  show) echo no; exit 0 ;;',
			'  daemon-reload) exit 0 ;;',
			`  restart|start) ${start.split('\n').join('\n    ')}\n    exit 0 ;;`,
			'  *) exit 0 ;;',
			'esac',
			'',
		].join('\n'),
		ss: [
			logLine('ss'),
			'echo "State  Recv-Q Send-Q  Local Address:Port  Peer Address:Port Process"',
			`if [ -f ${q(listenFile)} ]; then echo "LISTEN 0      4096    $(cat ${q(listenFile)})      0.0.0.0:*    users:((\\"ollama\\",pid=$(cat ${q(pidFile)}),fd=3))"; fi`,
			'',
		].join('\n'),
		ip: `${logLine('ip')}\ncat <<'EOF'\n${JSON.stringify([
			{ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{family: 'inet', local: '127.0.0.1', prefixlen: 8, scope: 'host', label: 'lo'}]},
			{ifindex: 2, ifname: 'eth0', flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'], operstate: 'UP', addr_info: [{family: 'inet', local: LAN_ADDRESS, prefixlen: 24, broadcast: '192.168.1.255', scope: 'global', label: 'eth0'}]},
		])}\nEOF\n`,
		hostname: `${logLine('hostname')}\necho ollama-box\n`,
		id: `${logLine('id')}\nif [ "$1" = -u ]; then echo 1000; else echo 'uid=1000(me) gid=1000(me) groups=1000(me)'; fi\n`,
		docker: `${logLine('docker')}\nexit 0\n`,
		twingate: `${logLine('twingate')}\necho 'twingate: command not found' >&2\nexit 127\n`,
	};
	for (const [name, body] of Object.entries(scripts)) {
		writeFileSync(path.join(bin, name), `#!/bin/sh\n${body}`);
		chmodSync(path.join(bin, name), 0o755);
	}
	// The namespaces: /etc/systemd/system from the temp folder, a private loopback with the LAN
	// address on it, the tiny Ollama started as the running service, then tmux itself.
	const ip = tool('ip');
	const tmux = tool('tmux');
	const ns = [
		'set -e',
		`mount --bind ${q(etcSystemd)} /etc/systemd/system`,
		`${q(ip)} link set lo up`,
		`${q(ip)} addr add ${LAN_ADDRESS}/32 dev lo`,
		`PATH=${q(bin)}:$PATH`,
		'export PATH',
		start,
		`exec ${q(tmux)} "$@"`,
	].join('\n');
	writeFileSync(path.join(dir, 'ns.sh'), `${ns}\n`);
	writeFileSync(path.join(wrap, 'tmux'), `#!/bin/sh\ncase " $* " in\n  *" new-session "*) exec unshare -m -n --propagation private sh ${q(path.join(dir, 'ns.sh'))} "$@" ;;\nesac\nexec ${q(tmux)} "$@"\n`);
	chmodSync(path.join(wrap, 'tmux'), 0o755);
	return {
		bin,
		etcSystemd,
		tmuxWrapperDir: wrap,
		calls: () => readFileSync(log, 'utf8').split('\n').filter(Boolean),
		listening: () => (existsSync(listenFile) ? readFileSync(listenFile, 'utf8').trim() : ''),
		stop: () => {
			if (!existsSync(pidFile)) return;
			const pid = Number(readFileSync(pidFile, 'utf8').trim());
			try {
				if (pid > 0) process.kill(pid);
			} catch {
				// already gone
			}
		},
	};
}
