/**
 * The remote half of the demo (`npm start`): the demo lakehouse's Delta tables uploaded to a local
 * S3 server (moto) and its Iceberg table registered in a local Iceberg REST catalog (Apache
 * Iceberg's fixture), and the demo folder's settings pointing Lakelens at both, so the tree shows
 * a remote connection and a catalog beside the local tables. Demo setup only: Lakelens never writes.
 *
 *   node out/scripts/demo-remote.js <demo dir> <moto url> <rest url>
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { S3Uploader } from '../../test/helpers/s3Upload';

async function main(): Promise<void> {
  const [dir, moto, rest] = process.argv.slice(2);
  if (!dir || !moto || !rest) throw new Error('usage: demo-remote <demo dir> <moto url> <rest url>');
  const up = new S3Uploader({ endpoint: moto, accessKeyId: 'demo', secretAccessKey: 'demo' });
  await up.createBucket('demo-lake');
  for (const t of ['bronze/events', 'silver/customers']) await up.uploadDir('demo-lake', `lakehouse/${t}`, path.join(dir, t));
  const post = async (p: string, body: unknown) => {
    const res = await fetch(`${rest}${p}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    if (!res.ok && res.status !== 409) throw new Error(`POST ${p}: ${res.status} ${(await res.text()).slice(0, 200)}`);
  };
  await post('/v1/namespaces', { namespace: ['demo'] });
  const meta = path.join(dir, 'gold', 'orders', 'metadata');
  // the generator writes metadata/vN.metadata.json and a version hint naming N
  const current = `v${fs.readFileSync(path.join(meta, 'version-hint.text'), 'utf8').trim()}.metadata.json`;
  await post('/v1/namespaces/demo/register', { name: 'orders', 'metadata-location': `file://${path.join(meta, current)}` });
  const settingsFile = path.join(dir, '.vscode', 'settings.json');
  fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
  let settings: Record<string, unknown> = {};
  try {
    settings = JSON.parse(fs.readFileSync(settingsFile, 'utf8')) as Record<string, unknown>;
  } catch {
    // a new file
  }
  settings['lakelens.remote.connections'] = [{ name: 'demo S3 (local moto)', uri: 's3://demo-lake/lakehouse', endpoint: moto }];
  settings['lakelens.catalogs'] = [{ name: 'demo-catalog', type: 'iceberg-rest', uri: rest }];
  fs.writeFileSync(settingsFile, JSON.stringify(settings, null, 2) + '\n');
}

main().catch((err: unknown) => {
  console.error(`demo-remote: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
