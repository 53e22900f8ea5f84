/**
 * Local demo server for `npm start`: serves the aggregator fixtures (tests/fixtures/aggregators)
 * at their REAL URLs. Chromium reaches it through
 * `--host-resolver-rules="MAP www.inkl.com 127.0.0.1:PORT, …"`, so the page's location is exactly
 * e.g. https://www.inkl.com/news/… and Lectern's content script treats it as on the real site.
 *
 * HTTPS with a throw-away self-signed certificate (made with the `openssl` CLI into .tmp/demo-cert;
 * Chromium is started with --ignore-certificate-errors). When openssl is not available it falls back
 * to plain HTTP and the URLs carry the port (http://www.inkl.com:PORT/news/…).
 *
 * It answers only fixture pages and their assets; everything else is a 404. Nothing leaves the machine.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const FIXTURES = path.join(ROOT, 'tests', 'fixtures', 'aggregators');
const TYPES = { '.png': 'image/png', '.svg': 'image/svg+xml', '.jpg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };

/** Every fixture: { name, url, kind, dir }. */
export function loadFixtures() {
  return fs
    .readdirSync(FIXTURES)
    .filter((d) => fs.existsSync(path.join(FIXTURES, d, 'expected.json')))
    .sort()
    .map((name) => {
      const dir = path.join(FIXTURES, name);
      const exp = JSON.parse(fs.readFileSync(path.join(dir, 'expected.json'), 'utf8'));
      return { name, url: exp.url, kind: exp.kind, dir };
    });
}

function selfSignedCert(hosts, outDir) {
  fs.mkdirSync(outDir, { recursive: true });
  const key = path.join(outDir, 'key.pem');
  const cert = path.join(outDir, 'cert.pem');
  execFileSync(
    'openssl',
    [
      'req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-sha256', '-days', '7',
      '-keyout', key, '-out', cert,
      '-subj', '/CN=Lectern local demo',
      '-addext', `subjectAltName=${hosts.map((h) => `DNS:${h}`).join(',')}`,
    ],
    { stdio: 'ignore' },
  );
  return { key: fs.readFileSync(key), cert: fs.readFileSync(cert) };
}

/**
 * Starts the server on 127.0.0.1.
 * @param {{ port?: number, https?: boolean, log?: (line: string) => void }} [opts]
 * @returns {Promise<{ port: number, secure: boolean, hosts: string[], fixtures: Array<{name:string,url:string,kind:string,demoUrl:string}>, resolverRules: string, close: () => Promise<void> }>}
 */
export async function startDemoServer(opts = {}) {
  const fixtures = loadFixtures();
  const hosts = [...new Set(fixtures.map((f) => new URL(f.url).hostname))];
  let secure = opts.https !== false;
  let tls = null;
  if (secure) {
    try {
      tls = selfSignedCert(hosts, path.join(ROOT, '.tmp', 'demo-cert'));
    } catch {
      secure = false; // no openssl: plain HTTP with the port in the URL
    }
  }
  const byKey = new Map(); // "host/path?query" → fixture
  for (const f of fixtures) {
    const u = new URL(f.url);
    byKey.set(`${u.hostname}${u.pathname}${u.search}`, f);
  }

  const handler = (req, res) => {
    const hostname = String(req.headers.host ?? '').replace(/:\d+$/, '');
    const u = new URL(req.url ?? '/', 'http://x');
    const fx = byKey.get(`${hostname}${u.pathname}${u.search}`);
    if (fx && req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(fs.readFileSync(path.join(fx.dir, 'page.html')));
      return;
    }
    // assets by basename, from a fixture on the same host
    const base = path.basename(decodeURIComponent(u.pathname));
    const type = TYPES[path.extname(base).toLowerCase()];
    if (type) {
      for (const f of fixtures) {
        if (new URL(f.url).hostname !== hostname) continue;
        const file = path.join(f.dir, base);
        if (fs.existsSync(file)) {
          res.writeHead(200, { 'content-type': type });
          res.end(fs.readFileSync(file));
          return;
        }
      }
    }
    opts.log?.(`404 ${hostname}${u.pathname}${u.search}`);
    res.writeHead(404, { 'content-type': 'text/plain' });
    res.end('Not a Lectern demo page');
  };

  const server = secure ? https.createServer(tls, handler) : http.createServer(handler);
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', resolve);
  });
  const port = /** @type {import('node:net').AddressInfo} */ (server.address()).port;
  const demoUrl = (url) => {
    if (secure) return url; // the real URL; the resolver rule supplies the port
    const u = new URL(url);
    u.protocol = 'http:';
    u.port = String(port);
    return u.toString();
  };
  return {
    port,
    secure,
    hosts,
    fixtures: fixtures.map((f) => ({ name: f.name, url: f.url, kind: f.kind, demoUrl: demoUrl(f.url) })),
    resolverRules: hosts.map((h) => `MAP ${h} 127.0.0.1:${port}`).join(', '),
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections?.();
      }),
  };
}
