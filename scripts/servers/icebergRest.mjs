// Apache Iceberg's REST catalog fixture (Maven Central org.apache.iceberg:iceberg-open-api, the
// runnable jar behind the apache/iceberg-rest-fixture image) on 127.0.0.1, with a JDBC (SQLite)
// catalog and a file:// warehouse in the data folder. See lib.mjs for the module contract.
//
// The fixture's Jetty binds every interface and has no host option, so install compiles a small
// launcher into the cache: the fixture's own catalog set-up (called by reflection) behind a Jetty
// connector bound to 127.0.0.1. No auth of its own: tests put an auth-checking proxy in front.
import fs from 'node:fs';
import path from 'node:path';
import { CACHE, freePort, log, runOnce, spawnListening } from './lib.mjs';

export const name = 'icebergRest';
const VERSION = '1.10.1';
const DIR = path.join(CACHE, `iceberg-rest-${VERSION}`);
const JAR = path.join(DIR, `iceberg-open-api-${VERSION}.jar`);
const CLASSES = path.join(DIR, 'launcher');
const LAUNCHER = 'org.apache.iceberg.rest.LakelensLoopbackServer';
const JAVA = process.env.LAKELENS_JAVA || 'java';
const JAVAC = process.env.LAKELENS_JAVAC || 'javac';

// in the fixture's package: its catalog context, adapter and servlet are package-private
const LAUNCHER_SRC = `package org.apache.iceberg.rest;

import java.lang.reflect.Method;
import org.apache.iceberg.util.PropertyUtil;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.gzip.GzipHandler;
import org.eclipse.jetty.servlet.ServletContextHandler;
import org.eclipse.jetty.servlet.ServletHolder;

public class LakelensLoopbackServer {
  public static void main(String[] args) throws Exception {
    RESTCatalogServer fixture = new RESTCatalogServer();
    Method init = RESTCatalogServer.class.getDeclaredMethod("initializeBackendCatalog");
    init.setAccessible(true);
    RESTCatalogServer.CatalogContext ctx = (RESTCatalogServer.CatalogContext) init.invoke(fixture);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.addServlet(new ServletHolder(new RESTCatalogServlet(new RESTServerCatalogAdapter(ctx))), "/*");
    context.insertHandler(new GzipHandler());
    Server server = new Server();
    ServerConnector connector = new ServerConnector(server);
    connector.setHost("127.0.0.1");
    connector.setPort(PropertyUtil.propertyAsInt(ctx.configuration(), RESTCatalogServer.REST_PORT, 8181));
    server.addConnector(connector);
    server.setHandler(context);
    server.start();
    server.join();
  }
}
`;

export async function install() {
  if (fs.existsSync(path.join(CLASSES, 'org/apache/iceberg/rest/LakelensLoopbackServer.class')) && fs.existsSync(JAR)) return;
  fs.mkdirSync(DIR, { recursive: true });
  if (!fs.existsSync(JAR)) {
    log(`icebergRest: mvn dependency:copy org.apache.iceberg:iceberg-open-api:${VERSION} (~210 MB the first time)`);
    await runOnce('mvn', ['-q', '-B', 'dependency:copy', `-Dartifact=org.apache.iceberg:iceberg-open-api:${VERSION}:jar`, `-DoutputDirectory=${DIR}`, '-Dmdep.overWriteReleases=true'], { cwd: DIR });
  }
  const src = path.join(DIR, 'src', 'LakelensLoopbackServer.java');
  fs.mkdirSync(path.dirname(src), { recursive: true });
  fs.writeFileSync(src, LAUNCHER_SRC);
  await runOnce(JAVAC, ['--release', '17', '-nowarn', '-cp', JAR, '-d', CLASSES, src]);
}

/**
 * `env` adds catalog properties (CATALOG_… variables): an S3 warehouse, CATALOG_INCLUDE__CREDENTIALS
 * for vended credentials. Tests start such a second catalog themselves; the shared one is plain.
 */
export async function start({ dataDir, env = {} }) {
  const port = await freePort();
  const wh = path.join(dataDir, 'wh');
  fs.mkdirSync(wh, { recursive: true });
  const s = await spawnListening(JAVA, ['-Xmx512m', '-XX:TieredStopAtLevel=1', '-cp', `${CLASSES}${path.delimiter}${JAR}`, LAUNCHER], {
    cwd: dataDir,
    env: {
      CATALOG_WAREHOUSE: `file://${wh}`,
      CATALOG_URI: `jdbc:sqlite:${path.join(dataDir, 'cat.db')}`,
      CATALOG_JDBC_SCHEMA__VERSION: 'V1',
      CATALOG_REST_PORT: String(port),
      ...env,
    },
    logFile: path.join(dataDir, 'iceberg-rest.log'),
  }, port, 90_000);
  const warehouse = env.CATALOG_WAREHOUSE ?? `file://${wh}`;
  return { env: { LAKELENS_TEST_ICEBERG_REST: `http://127.0.0.1:${port}`, LAKELENS_TEST_ICEBERG_REST_WAREHOUSE: warehouse }, stop: s.stop };
}
