// Placeholder: the azurite test server (being written). See lib.mjs for the module contract.
export const name = 'azurite';
export async function install() {}
export async function start() {
  throw new Error('azurite: not written yet');
}
