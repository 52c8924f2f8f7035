// The shape every scripts/servers/<name>.mjs has (see lib.mjs), for the TypeScript tests.
export declare const name: string;
export declare function install(): Promise<void>;
export declare function start(o: { dataDir: string; log: (m: string) => void }): Promise<{ env: Record<string, string>; stop(): Promise<void> }>;
