/** Linux firewall check: ufw, firewalld or nftables, whichever is present. */
import {describe, expect, it} from 'vitest';
import {linuxFirewall} from '../../source/doctor/checks.js';
import {makeCtx} from '../support/fake-ctx.js';
import type {ExpectedCommand} from '../support/fake-runner.js';

async function withCommands(...commands: ExpectedCommand[]) {
	const ctx = makeCtx({platform: 'linux'});
	ctx.runner.expect(...commands);
	const out = await linuxFirewall(ctx);
	ctx.runner.assertDone();
	return out;
}

const NO_UFW: ExpectedCommand = {argv: ['ufw', 'status'], notFound: true};
const NO_FIREWALLD: ExpectedCommand = {argv: ['firewall-cmd', '--state'], notFound: true};

describe('Linux firewall', () => {
	it('ufw active without a rule for 11434 → firewall, with the ufw command', async () => {
		const out = await withCommands({argv: ['ufw', 'status'], stdout: 'Status: active\n\nTo                         Action      From\n--                         ------      ----\n22/tcp                     ALLOW       Anywhere\n'});
		expect(out).toMatchObject({status: 'fail', cause: 'firewall'});
		expect(out.finding?.commands?.[0]).toContain('ufw');
	});

	it('ufw allowing 11434 is ok', async () => {
		const out = await withCommands({argv: ['ufw', 'status'], stdout: 'Status: active\n\n11434/tcp                  ALLOW       192.168.1.5\n'});
		expect(out.status).toBe('ok');
	});

	it('firewalld running without 11434 → firewall, with a rich rule for the Connector host', async () => {
		const out = await withCommands(NO_UFW, {argv: ['firewall-cmd', '--state'], stdout: 'running\n'}, {argv: ['firewall-cmd', '--list-ports'], stdout: '22/tcp\n'}, {argv: ['firewall-cmd', '--list-rich-rules'], stdout: ''});
		expect(out).toMatchObject({status: 'fail', cause: 'firewall'});
		expect(JSON.stringify(out.finding?.commands)).toContain('port=\\"11434\\"');
	});

	it('firewalld allowing 11434/tcp is ok', async () => {
		const out = await withCommands(NO_UFW, {argv: ['firewall-cmd', '--state'], stdout: 'running\n'}, {argv: ['firewall-cmd', '--list-ports'], stdout: '11434/tcp 22/tcp\n'}, {argv: ['firewall-cmd', '--list-rich-rules'], stdout: ''});
		expect(out.status).toBe('ok');
	});

	it('nftables with a drop policy and no 11434 rule → firewall', async () => {
		const ruleset = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\tct state established,related accept\n\t\ttcp dport 22 accept\n\t}\n}\n';
		const out = await withCommands(NO_UFW, NO_FIREWALLD, {argv: ['nft', 'list', 'ruleset'], stdout: ruleset});
		expect(out).toMatchObject({status: 'fail', cause: 'firewall'});
	});

	it('nftables accepting 11434 is ok; nft without root is skipped with the reason', async () => {
		const ruleset = 'table inet filter {\n\tchain input {\n\t\ttype filter hook input priority filter; policy drop;\n\t\ttcp dport { 22, 11434 } accept\n\t}\n}\n';
		expect((await withCommands(NO_UFW, NO_FIREWALLD, {argv: ['nft', 'list', 'ruleset'], stdout: ruleset})).status).toBe('ok');
		const noRoot = await withCommands(NO_UFW, NO_FIREWALLD, {argv: ['nft', 'list', 'ruleset'], exitCode: 1, stderr: 'Operation not permitted'});
		expect(noRoot).toMatchObject({status: 'skipped'});
		expect(noRoot.detail).toMatch(/needs root/);
	});
});
