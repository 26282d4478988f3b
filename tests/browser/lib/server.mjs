// Starts the real renke binary on a random port with a fresh SQLite database
// (or a fresh PostgreSQL database when TEST_DATABASE_URL is set).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomUUID } from 'node:crypto';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repoRoot = path.resolve(here, '..', '..', '..');
export const binary = process.env.RENKE_BIN || path.join(repoRoot, 'target', 'debug', 'renke');

/** Output directory for screenshots and other artefacts a reviewer may look at. */
export const outputDir = process.env.TEST_OUTPUT_DIR || path.join(repoRoot, 'test-output', 'browser');

/**
 * Starts renke; resolves to { url, port, adminPassword, stop() }.
 * `env` adds or overrides RENKE_* settings.
 */
export async function startServer(env = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'renke-browser-'));
  const databaseUrl = process.env.TEST_DATABASE_URL
    ? await freshPostgres(process.env.TEST_DATABASE_URL)
    : `sqlite://${dir}/renke.db`;
  const child = spawn(binary, [], {
    env: {
      ...process.env,
      RENKE_BIND: '127.0.0.1:0',
      RENKE_DATABASE_URL: databaseUrl,
      RENKE_LOG_FORMAT: 'json',
      ...env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let adminPassword = null;
  const log = [];
  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`renke did not start:\n${log.join('\n')}`)), 60_000);
    let buffer = '';
    const onData = (chunk) => {
      buffer += chunk.toString();
      let nl;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl);
        buffer = buffer.slice(nl + 1);
        log.push(line);
        let entry;
        try { entry = JSON.parse(line); } catch { continue; }
        const message = entry.fields?.message ?? '';
        const pw = /password `([^`]+)`/.exec(message);
        if (pw) adminPassword = pw[1];
        if (message === 'renke listening' && entry.fields?.addr) {
          clearTimeout(timer);
          resolve(Number(entry.fields.addr.split(':').pop()));
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('exit', (code) => reject(new Error(`renke exited with ${code}:\n${log.join('\n')}`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    adminPassword,
    log,
    databaseUrl,
    /** One SQL query on the server's database (psql or sqlite3); its text output, trimmed. */
    sql(query) {
      const args = databaseUrl.startsWith('postgres')
        ? ['psql', [databaseUrl, '-qAtc', query]]
        : ['sqlite3', [databaseUrl.replace(/^sqlite:\/\//, ''), query]];
      try {
        return execFileSync(args[0], args[1]).toString().trim();
      } catch (e) {
        if (e.code === 'ENOENT') throw new Error(`the browser tests need the ${args[0]} command (apt-get install ${args[0] === 'psql' ? 'postgresql-client' : 'sqlite3'})`);
        throw e;
      }
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function freshPostgres(base) {
  const name = `renke_test_${randomUUID().replaceAll('-', '')}`;
  const u = new URL(base);
  execFileSync('psql', ['-h', u.hostname, '-p', u.port || '5432', '-U', u.username || 'postgres', '-qc', `CREATE DATABASE ${name}`]);
  u.pathname = `/${name}`;
  return u.toString();
}
