// Fails when src/api/schema.d.ts is out of date with ../openapi/openapi.json.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const spec = resolve(root, '../openapi/openapi.json');
const committed = resolve(root, 'src/api/schema.d.ts');

if (!existsSync(spec)) {
  console.error(`check:api: ${spec} does not exist — run \`make openapi\``);
  process.exit(1);
}

const dir = mkdtempSync(join(tmpdir(), 'languard-api-'));
const fresh = join(dir, 'schema.d.ts');
try {
  execFileSync(process.execPath, [resolve(root, 'node_modules/openapi-typescript/bin/cli.js'), spec, '-o', fresh], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const same = existsSync(committed) && readFileSync(committed, 'utf8') === readFileSync(fresh, 'utf8');
  if (!same) {
    console.error('check:api: src/api/schema.d.ts is out of date with openapi/openapi.json — run `make openapi`');
    process.exit(1);
  }
  console.log('check:api: src/api/schema.d.ts is up to date');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
