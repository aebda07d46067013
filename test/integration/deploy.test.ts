import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { freePort } from '../support/free-port.js';

/**
 * The packaged runs (Dockerfile, systemd unit) checked against the repository. There is no Docker
 * engine in CI here, so the image is not built (scripts/container-smoke does that where there is
 * one); instead the Dockerfile's own stages are replayed in a temporary directory: the files it
 * COPYs, its build command, then its runtime files, ENV and CMD, which must serve /healthz.
 */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DOCKERFILE = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');

interface Stage {
  copies: Array<{ from?: string; sources: string[]; dest: string }>;
  runs: string[];
  env: Record<string, string>;
  user?: string;
  volumes: string[];
  cmd?: string[];
  healthcheck?: string;
}

/** The Dockerfile's stages: instructions joined across `\` line ends, comments dropped. */
function parseDockerfile(text: string): Stage[] {
  const lines = text.replace(/\\\n\s*/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
  const stages: Stage[] = [];
  for (const line of lines) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (instruction === 'FROM') stages.push({ copies: [], runs: [], env: {}, volumes: [] });
    const stage = stages[stages.length - 1];
    if (!stage) continue;
    if (instruction === 'COPY') {
      const words = rest.filter((w) => !w.startsWith('--') || w.startsWith('--from'));
      const from = words[0]?.startsWith('--from=') ? words.shift()!.slice('--from='.length) : undefined;
      const dest = words.pop()!;
      stage.copies.push({ ...(from ? { from } : {}), sources: words, dest });
    } else if (instruction === 'RUN') stage.runs.push(args);
    else if (instruction === 'ENV') for (const m of args.matchAll(/(\w+)=(\S+)/g)) stage.env[m[1]!] = m[2]!;
    else if (instruction === 'USER') stage.user = args;
    else if (instruction === 'VOLUME') stage.volumes.push(...(JSON.parse(args) as string[]));
    else if (instruction === 'CMD') stage.cmd = JSON.parse(args) as string[];
    else if (instruction === 'HEALTHCHECK') stage.healthcheck = args;
  }
  return stages;
}

const [build, runtime] = parseDockerfile(DOCKERFILE);

function copyInto(dir: string, from: string, copy: { sources: string[]; dest: string }): void {
  for (const source of copy.sources) {
    const target = copy.dest.endsWith('/') || copy.sources.length > 1 ? join(dir, copy.dest, source.split('/').pop()!) : join(dir, copy.dest);
    mkdirSync(join(target, '..'), { recursive: true });
    cpSync(join(from, source), target, { recursive: true });
  }
}

let child: ChildProcess | undefined;
afterAll(() => {
  if (child && child.exitCode === null) child.kill('SIGTERM');
});

describe('Dockerfile', () => {
  it('has a build and a runtime stage; the runtime runs as a non-root user with its data on a volume and a /readyz healthcheck', () => {
    expect(build).toBeDefined();
    expect(runtime).toBeDefined();
    expect(runtime!.user).toBeDefined();
    expect(runtime!.user).not.toMatch(/^(root|0)$/);
    expect(runtime!.volumes).toEqual([runtime!.env.NORMGUARD_DATA_DIR]);
    expect(runtime!.healthcheck).toMatch(/\/readyz/);
  });

  it('copies only files that exist in the repository, and its command runs one of them', () => {
    for (const stage of [build!, runtime!]) {
      for (const copy of stage.copies.filter((c) => !c.from)) {
        for (const source of copy.sources) expect(existsSync(join(ROOT, source)), `COPY ${source}`).toBe(true);
      }
    }
    expect(runtime!.cmd?.[0]).toBe('node');
    expect(existsSync(join(ROOT, runtime!.cmd![1]!))).toBe(true);
  });

  it("replayed outside Docker, the build stage compiles and the runtime stage's command serves /healthz", { timeout: 180_000 }, async () => {
    const work = mkdtempSync(join(tmpdir(), 'ng-docker-'));
    // Build stage: its COPYs, then its RUN with the build (npm ci is replaced by the installed node_modules).
    const buildDir = join(work, 'build');
    for (const copy of build!.copies) copyInto(buildDir, ROOT, copy);
    symlinkSync(join(ROOT, 'node_modules'), join(buildDir, 'node_modules'));
    expect(build!.runs.some((r) => r.includes('npm run build'))).toBe(true);
    execFileSync('npm', ['run', '--silent', 'build'], { cwd: buildDir, stdio: 'pipe' });
    // Runtime stage: the files it takes from the build stage and from the repository.
    const appDir = join(work, 'app');
    mkdirSync(appDir);
    for (const copy of runtime!.copies) {
      if (copy.from === 'build' && copy.sources.every((s) => s.includes('node_modules'))) symlinkSync(join(ROOT, 'node_modules'), join(appDir, 'node_modules'));
      else if (copy.from === 'build') copyInto(appDir, buildDir, { sources: copy.sources.map((s) => s.replace(/^\/app\//, '')), dest: copy.dest });
      else copyInto(appDir, ROOT, copy);
    }
    const port = await freePort();
    const dataDir = join(work, 'data');
    child = spawn(runtime!.cmd![0] === 'node' ? process.execPath : runtime!.cmd![0]!, runtime!.cmd!.slice(1), {
      cwd: appDir,
      env: {
        PATH: process.env.PATH,
        ...runtime!.env,
        NORMGUARD_DATA_DIR: dataDir,
        NORMGUARD_HTTP_PORT: String(port),
        NORMGUARD_API_TOKEN: 'a-token-for-the-container-test',
        OLLAMA_HOST: 'http://127.0.0.1:9',
        LOG_LEVEL: 'error',
      },
      stdio: 'ignore',
    });
    let health = 0;
    for (let i = 0; i < 100 && health !== 200; i++) {
      await new Promise((r) => setTimeout(r, 200));
      health = await fetch(`http://127.0.0.1:${port}/healthz`).then((r) => r.status, () => 0);
    }
    expect(health).toBe(200);
    // No Ollama answers: ready is false, and the healthcheck would say unhealthy.
    expect((await fetch(`http://127.0.0.1:${port}/readyz`)).status).toBe(503);
    expect(existsSync(join(dataDir, 'normguard.sqlite'))).toBe(true);
  });
});

describe('deploy/systemd/normguard.service', () => {
  const unit = readFileSync(join(ROOT, 'deploy/systemd/normguard.service'), 'utf8');
  const value = (key: string) => [...unit.matchAll(new RegExp(`^${key}=(.*)$`, 'gm'))].map((m) => m[1]!.trim());

  it('keeps its data directory writable under ProtectSystem=strict, and runs the built program', () => {
    expect(value('ProtectSystem')).toEqual(['strict']);
    const exec = value('ExecStart')[0]!;
    const dataDir = /NORMGUARD_DATA_DIR=(\S+)/.exec(exec)?.[1];
    expect(dataDir).toBe('/var/lib/normguard');
    expect(value('ReadWritePaths')).toContain(dataDir);
    expect(value('StateDirectory')).toEqual(['normguard']);
    const workdir = value('WorkingDirectory')[0]!;
    const script = /\/usr\/bin\/node (\S+)/.exec(exec)?.[1];
    expect(script?.startsWith(`${workdir}/`)).toBe(true);
    expect(existsSync(join(ROOT, script!.slice(workdir.length + 1)))).toBe(true);
  });
});
