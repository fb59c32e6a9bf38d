import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadPolicy } from '@consent-guard/core';
import ts from 'typescript';
import { runMain } from './helpers/cli.js';
import { describe, expect, it } from 'vitest';

// Every YAML, JavaScript and TypeScript block of the READMEs, as a reader copies it.
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const READMES = ['README.md', ...['core', 'express', 'koa', 'fastify', 'proxy', 'cli'].map((name) => `packages/${name}/README.md`)];

interface Block {
  readonly where: string;
  readonly lang: string;
  readonly code: string;
}

function blocksOf(readme: string): Block[] {
  const lines = readFileSync(join(ROOT, readme), 'utf8').split('\n');
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^\s*```(\w+)\s*$/.exec(lines[i]!);
    if (!open) continue;
    const start = i + 1; // 0-based index of the first line of code
    const indent = /^\s*/.exec(lines[i]!)![0].length;
    while (++i < lines.length && !/^\s*```\s*$/.test(lines[i]!));
    blocks.push({ where: `${readme}:${start + 1}`, lang: open[1]!, code: lines.slice(start, i).map((line) => line.slice(indent)).join('\n') });
  }
  return blocks;
}

const blocks = READMES.flatMap(blocksOf);

describe('the READMEs', () => {
  it('should have code to check', () => {
    expect(blocks.filter((block) => block.lang === 'yaml').length).toBeGreaterThan(0);
    expect(blocks.filter((block) => block.lang === 'js' || block.lang === 'ts').length).toBeGreaterThan(5);
  });

  it('should give YAML policies that load as printed', () => {
    const failures = blocks
      .filter((block) => block.lang === 'yaml')
      .flatMap((block) => {
        // Saved as the file a reader would save, and loaded from there.
        const file = join(mkdtempSync(join(tmpdir(), 'consent-guard-readme-')), 'consent-policy.yaml');
        writeFileSync(file, block.code);
        try {
          loadPolicy(file);
          return [];
        } catch (error) {
          return [`${block.where}: ${(error as Error).message}`];
        }
      });
    expect(failures).toEqual([]);
  });

  it('should show the output the CLI really prints for the policy example with its two typos', async () => {
    const example = blocks.find((block) => block.where.startsWith('README.md:') && block.lang === 'yaml' && block.code.includes('{ name: __hstc, category: marketing'))!;
    const sample = blocks.find((block) => block.lang === 'console' && block.code.startsWith('$ npx consent-guard lint consent-policy.yaml'))!;
    const dir = mkdtempSync(join(tmpdir(), 'consent-guard-readme-'));
    const file = join(dir, 'consent-policy.yaml');
    const typos = example.code.replace('marketing:     { label: Marketing', 'marketing:     { lable: Marketing').replace('{ name: __hstc, category: marketing', '{ name: __hstc, category: marketting');
    expect(typos).not.toBe(example.code);
    writeFileSync(file, typos);
    const { stdout, stderr } = await runMain(['lint', file]);
    expect(`$ npx consent-guard lint consent-policy.yaml\n${stdout}${stderr}`.replaceAll(file, 'consent-policy.yaml')).toBe(`${sample.code}\n`);
  });

  it('should give JavaScript and TypeScript that compiles as printed (strict, against the packages\' types)', () => {
    const code = blocks.filter((block) => block.lang === 'js' || block.lang === 'ts');
    expect(compileErrors(code)).toEqual([]);
  }, 60_000);
});

/**
 * Type-checks each block as a module of its own, with the names the README's prose gives
 * it (`app`, `req`, `res`, `ctx`, `server`) declared the way an Express or Koa app has them.
 */
describe('each package as npm shows it', () => {
  const packages = ['core', 'express', 'koa', 'fastify', 'proxy', 'cli'];
  const manifest = (name: string) => JSON.parse(readFileSync(join(ROOT, 'packages', name, 'package.json'), 'utf8')) as Record<string, unknown>;

  it.each(packages)('should name its repository, homepage and issue tracker (%s)', (name) => {
    const { repository, homepage, bugs } = manifest(name) as { repository: { url: string; directory: string }; homepage: string; bugs: { url: string } };
    expect(repository).toMatchObject({ type: 'git', directory: `packages/${name}` });
    for (const url of [repository.url.replace(/^git\+/, ''), homepage, bugs.url]) expect(new URL(url).protocol).toBe('https:');
    // One address for all, stated as a placeholder in one place: the main README.
    const base = repository.url.replace(/^git\+/, '').replace(/\.git$/, '');
    expect(homepage.startsWith(base) && bugs.url.startsWith(base)).toBe(true);
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\`${base}\`, a placeholder`);
  });

  it.each(packages)('should have a README that stands alone on npm: no relative links, install and use (%s)', (name) => {
    const readme = readFileSync(join(ROOT, 'packages', name, 'README.md'), 'utf8');
    const links = [...readme.matchAll(/\]\(([^)]+)\)|<(https?:[^>]+)>/g)].map((match) => match[1] ?? match[2]!);
    expect(links.length).toBeGreaterThan(0);
    for (const link of links) expect(link).toMatch(/^https:\/\//);
    expect(readme).toMatch(/npm install (--save-dev )?@consent-guard\//);
  });

  it('should tell an app what to install in the main README', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const install = readme.slice(readme.indexOf('## Install'), readme.indexOf('## Quick start'));
    for (const command of ['npm install @consent-guard/express', 'npm install @consent-guard/koa', 'npm install @consent-guard/fastify', 'npm install @consent-guard/proxy', 'npm install --save-dev @consent-guard/cli', 'npm install better-sqlite3@12']) expect(install).toContain(command);
  });
});

function compileErrors(code: readonly Block[]): string[] {
  const dir = join(ROOT, 'test', '.readme-blocks');
  const prelude = join(dir, 'prelude.d.ts');
  const files = new Map<string, string>([
    [
      prelude,
      [
        "import type { Express, Request, Response } from 'express';",
        "import type { Context } from 'koa';",
        "import type { Server } from 'node:http';",
        'declare global {',
        '  const app: Express;',
        '  const req: Request;',
        '  const res: Response;',
        '  const ctx: Context;',
        '  const server: Server;',
        '  const secret: string;',
        '}',
        'export {};',
      ].join('\n'),
    ],
  ]);
  const where = new Map<string, string>();
  code.forEach((block, index) => {
    const file = join(dir, `block-${index}.ts`);
    files.set(file, `${block.code}\nexport {};\n`);
    where.set(file, block.where);
  });
  const config = ts.getParsedCommandLineOfConfigFile(join(ROOT, 'test', 'tsconfig.json'), {}, { ...ts.sys, onUnRecoverableConfigFileDiagnostic: () => {} })!;
  const options = { ...config.options, noEmit: true, noUnusedLocals: false };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (name) => files.has(name) || fileExists(name);
  host.readFile = (name) => files.get(name) ?? readFile(name);
  host.getSourceFile = (name, version, ...rest) => {
    const text = files.get(name);
    return text === undefined ? getSourceFile(name, version, ...rest) : ts.createSourceFile(name, text, version);
  };
  host.getCurrentDirectory = () => dirname(prelude);
  const program = ts.createProgram([...files.keys()], options, host);
  return ts
    .getPreEmitDiagnostics(program)
    .filter((diagnostic) => diagnostic.file && files.has(diagnostic.file.fileName))
    .map((diagnostic) => {
      const file = diagnostic.file!;
      const { line } = file.getLineAndCharacterOfPosition(diagnostic.start ?? 0);
      const [readme, start] = (where.get(file.fileName) ?? 'prelude:0').split(':');
      return `${readme}:${Number(start) + line}: ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
}
