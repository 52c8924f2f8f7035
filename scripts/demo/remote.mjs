// The remote half of `npm start`'s demo: starts moto (S3) and Apache Iceberg's REST catalog on
// 127.0.0.1 (scripts/servers), fills them from the demo lakehouse (scripts/demo/remote.ts), and
// puts credentials for the local S3 server in the environment code-server inherits.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import * as moto from '../servers/moto.mjs';
import * as icebergRest from '../servers/icebergRest.mjs';

const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export async function startDemoRemote(demoDir) {
  const out = path.join(REPO, 'out', 'scripts', 'demo-remote.js');
  await esbuild.build({ entryPoints: [path.join(REPO, 'scripts', 'demo', 'remote.ts')], outfile: out, bundle: true, platform: 'node', format: 'cjs', target: 'node20', logLevel: 'warning' });
  await moto.install();
  await icebergRest.install();
  const data = fs.mkdtempSync(path.join(os.tmpdir(), 'lakelens-demo-servers-'));
  const log = (m) => process.stderr.write(`[demo] ${m}\n`);
  const running = [];
  const stop = async () => {
    for (const s of running.reverse()) await s.stop().catch(() => undefined);
    fs.rmSync(data, { recursive: true, force: true });
  };
  try {
    const m = await moto.start({ dataDir: fs.mkdtempSync(path.join(data, 'moto-')), log });
    running.push(m);
    const r = await icebergRest.start({ dataDir: fs.mkdtempSync(path.join(data, 'rest-')), log });
    running.push(r);
    const res = spawnSync(process.execPath, [out, demoDir, m.env.LAKELENS_TEST_MOTO, r.env.LAKELENS_TEST_ICEBERG_REST], { stdio: 'inherit' });
    if (res.status !== 0) throw new Error('filling the demo servers failed');
    // the AWS chain of the extension host finds these (moto accepts any key)
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'demo', AWS_SECRET_ACCESS_KEY: 'demo', AWS_REGION: 'us-east-1' });
    log(`S3 (moto) at ${m.env.LAKELENS_TEST_MOTO}, Iceberg REST catalog at ${r.env.LAKELENS_TEST_ICEBERG_REST}`);
    return { stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
