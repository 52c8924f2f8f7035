// Placeholder: the fakeGcs test server (being written). See lib.mjs for the module contract.
export const name = 'fakeGcs';
export async function install() {}
export async function start() {
  throw new Error('fakeGcs: not written yet');
}
