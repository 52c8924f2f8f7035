// The shape every scripts/servers/<name>.mjs has (see lib.mjs), for the TypeScript tests; `env`
// adds catalog properties (CATALOG_… variables) to a catalog a test starts itself.
export declare const name: string;
export declare function install(): Promise<void>;
export declare function start(o: { dataDir: string; log: (m: string) => void; env?: Record<string, string> }): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
