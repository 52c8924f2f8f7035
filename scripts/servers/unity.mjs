// The Unity Catalog OSS server (io.unitycatalog:unitycatalog-server, a thin jar) on 127.0.0.1. See
// lib.mjs for the module contract. install() resolves the newest release on Maven Central with
// `mvn dependency:get` and writes its classpath (`mvn dependency:build-classpath`) to the cache;
// start() runs it in a folder holding etc/conf/{server,hibernate,server.log4j2}.properties with an
// H2 file database in the data folder. Its Armeria server binds with localPort(): loopback only.
// When the server cannot be resolved, that answer is remembered for a day (tests then skip fast).
// No import.meta here: test bundles compile this file to CommonJS.
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, freePort, log, runOnce, spawnListening } from './lib.mjs';

export const name = 'unity';
const DIR = path.join(CACHE, 'unitycatalog');
const CP = path.join(DIR, 'cp.txt');
const VERSION_FILE = path.join(DIR, 'version.txt');
const UNAVAILABLE = path.join(DIR, 'unavailable.txt');
const RANGE = '[0.4.0,)';
const JAVA = process.env.LAKELENS_UNITY_JAVA || 'java';

export async function install() {
  if (fs.existsSync(CP)) return;
  fs.mkdirSync(DIR, { recursive: true });
  if (fs.existsSync(UNAVAILABLE) && Date.now() - fs.statSync(UNAVAILABLE).mtimeMs < 24 * 3600_000) {
    throw new Error(`unity: ${fs.readFileSync(UNAVAILABLE, 'utf8').trim()} (remembered; delete ${UNAVAILABLE} to try again)`);
  }
  const pom = (v) => `<project xmlns="http://maven.apache.org/POM/4.0.0"><modelVersion>4.0.0</modelVersion>
<groupId>lakelens</groupId><artifactId>unity-server-cp</artifactId><version>1</version>
<dependencies><dependency><groupId>io.unitycatalog</groupId><artifactId>unitycatalog-server</artifactId><version>${v}</version></dependency></dependencies></project>\n`;
  fs.writeFileSync(path.join(DIR, 'pom.xml'), pom(RANGE));
  log(`unity: mvn dependency:build-classpath for io.unitycatalog:unitycatalog-server:${RANGE}`);
  try {
    // the range resolves to the newest release Maven Central has
    await runOnce('mvn', ['-q', '-B', 'dependency:build-classpath', `-Dmdep.outputFile=${CP}.tmp`], { cwd: DIR });
  } catch (err) {
    const found = /No versions available[^\n]*|Could not (?:find|resolve)[^\n]*/.exec(String(err))?.[0] ?? String(err).split('\n')[0];
    const why = found.replace(/ -> \[Help 1\]$/, '');
    fs.writeFileSync(UNAVAILABLE, `io.unitycatalog:unitycatalog-server:${RANGE} did not resolve on Maven Central: ${why}\n`);
    throw new Error(`unity: ${fs.readFileSync(UNAVAILABLE, 'utf8').trim()}`);
  }
  const cp = fs.readFileSync(`${CP}.tmp`, 'utf8').trim();
  const v = /unitycatalog-server-([^/\\]+)\.jar/.exec(cp)?.[1] ?? 'unknown';
  fs.writeFileSync(VERSION_FILE, `${v}\n`);
  fs.renameSync(`${CP}.tmp`, CP);
}

export async function start({ dataDir }) {
  const port = await freePort();
  const conf = path.join(dataDir, 'etc', 'conf');
  fs.mkdirSync(conf, { recursive: true });
  fs.mkdirSync(path.join(dataDir, 'etc', 'logs'), { recursive: true });
  // no cloud configuration: the server vends nothing, and says so for s3:// tables
  fs.writeFileSync(path.join(conf, 'server.properties'), 'server.env=dev\nserver.authorization=disable\n');
  fs.writeFileSync(
    path.join(conf, 'hibernate.properties'),
    [
      'hibernate.connection.driver_class=org.h2.Driver',
      `hibernate.connection.url=jdbc:h2:file:${path.join(dataDir, 'h2db')};DB_CLOSE_DELAY=-1`,
      'hibernate.hbm2ddl.auto=update',
      'hibernate.show_sql=false',
      'hibernate.archive.autodetection=class',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    path.join(conf, 'server.log4j2.properties'),
    ['status = warn', 'appenders = file', 'appender.file.type = File', 'appender.file.name = File', `appender.file.fileName = ${path.join(dataDir, 'server.log')}`, 'appender.file.layout.type = PatternLayout', 'appender.file.layout.pattern = %d{HH:mm:ss.SSS} %-5level %logger{36} - %msg%n', 'rootLogger.level = info', 'rootLogger.appenderRefs = file', 'rootLogger.appenderRef.file.ref = File', ''].join('\n'),
  );
  const cp = fs.readFileSync(CP, 'utf8').trim();
  const s = await spawnListening(JAVA, ['-Xmx512m', `-Dlog4j.configurationFile=${path.join(conf, 'server.log4j2.properties')}`, '-cp', cp, 'io.unitycatalog.server.UnityCatalogServer', '-p', String(port)], {
    cwd: dataDir,
    env: {},
    logFile: path.join(dataDir, 'unity.log'),
  }, port, 120_000);
  return { env: { LAKELENS_TEST_UNITY: `http://127.0.0.1:${port}` }, stop: s.stop };
}
