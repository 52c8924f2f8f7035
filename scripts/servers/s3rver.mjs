// Placeholder: the s3rver test server (being written). See lib.mjs for the module contract.
export const name = 's3rver';
export async function install() {}
export async function start() {
  throw new Error('s3rver: not written yet');
}
