#!/usr/bin/env node
// Writes the git-ignored env files that an overlay's secretGenerator reads:
//   node infra/k8s/secrets.mjs <local|production> [--force]
//
// For every template in infra/k8s/secrets.example/<name>.env (all overlays) and
// infra/k8s/secrets.example/<overlay>/<name>.env, writes infra/k8s/overlays/<overlay>/secrets/<name>.env.
// A template value `${VAR:-default}` is taken from the environment variable VAR; otherwise from the default:
//   generate  32 random bytes as hex on a local cluster; required in production (a regenerated
//             database password would no longer match the one the volume was initialised with)
//   generate-signing-key  a new RSA-2048 private key (PKCS#8 PEM, base64 on one line; sessions RS256) on
//             a local cluster; required in production (a new key every run would sign everyone out)
//   empty     empty on a local cluster; required in production
//   (nothing) empty everywhere
// Any other value is written as it is, with `${KEY}` replaced by the value of KEY from an earlier line
// of the same file (a local DATABASE_URL is built from the password generated on the line before).
// Existing files are kept unless --force is given, so a local cluster's passwords stay stable.
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);
const [overlay, ...flags] = process.argv.slice(2);
const overlays = readdirSync(path.join(here, 'overlays'), { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name);
if (!overlays.includes(overlay)) {
  console.error(`usage: node infra/k8s/secrets.mjs <${overlays.join('|')}> [--force]`);
  process.exit(2);
}
const force = flags.includes('--force');
const mayGenerate = overlay !== 'production';
const templateDirs = [path.join(here, 'secrets.example'), path.join(here, 'secrets.example', overlay)];
const outDir = path.join(here, 'overlays', overlay, 'secrets');
mkdirSync(outDir, { recursive: true, mode: 0o700 });

const missing = [];
const written = [];
const templates = templateDirs
  .filter((dir) => existsSync(dir))
  .flatMap((dir) => readdirSync(dir, { withFileTypes: true }).map((f) => ({ dir, name: f.name, isFile: f.isFile() })))
  .filter((f) => f.isFile && f.name.endsWith('.env'))
  .sort((a, b) => a.name.localeCompare(b.name));
for (const { dir, name: file } of templates) {
  const target = path.join(outDir, file);
  if (existsSync(target) && !force) continue;
  const lines = readFileSync(path.join(dir, file), 'utf8').split('\n');
  const out = [];
  const values = {};
  for (const line of lines) {
    if (line.trim() === '' || line.trim().startsWith('#')) continue;
    const composed = /^([A-Z0-9_]+)=([^$]*(?:\$\{[A-Z0-9_]+\}[^$]*)*)$/.exec(line.trim());
    const m = /^([A-Z0-9_]+)=\$\{([A-Z0-9_]+):-([^}]*)\}$/.exec(line.trim());
    if (!m && composed) {
      const [, key, text] = composed;
      const value = text.replace(/\$\{([A-Z0-9_]+)\}/g, (_, ref) => {
        if (!(ref in values)) throw new Error(`${file}: ${key} uses \${${ref}} before it is defined`);
        return values[ref];
      });
      values[key] = value;
      out.push(`${key}=${value}`);
      continue;
    }
    if (!m) throw new Error(`${file}: cannot read template line: ${line}`);
    const [, key, variable, fallback] = m;
    let value = process.env[variable];
    if (value === undefined || value === '') {
      if (['generate', 'generate-signing-key', 'empty'].includes(fallback) && !mayGenerate) {
        missing.push(variable);
        continue;
      }
      if (fallback === 'generate') value = randomBytes(32).toString('hex');
      else if (fallback === 'generate-signing-key') {
        const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
        const pem = privateKey.export({ format: 'pem', type: 'pkcs8' });
        value = Buffer.from(pem).toString('base64');
      } else if (fallback === 'empty') value = '';
      else value = fallback;
    }
    if (/[\r\n]/.test(value)) throw new Error(`${variable} must be a single line`);
    values[key] = value;
    out.push(`${key}=${value}`);
  }
  written.push({ target, text: out.join('\n') + '\n' });
}
if (missing.length > 0) {
  console.error(`${overlay}: set these environment variables first (never committed): ${missing.join(', ')}`);
  process.exit(1);
}
for (const { target, text } of written) {
  writeFileSync(target, text, { mode: 0o600 });
  console.log(`wrote ${path.relative(process.cwd(), target)}`);
}
