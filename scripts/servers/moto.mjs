// Placeholder: the moto test server (being written). See lib.mjs for the module contract.
export const name = 'moto';
export async function install() {}
export async function start() {
  throw new Error('moto: not written yet');
}
