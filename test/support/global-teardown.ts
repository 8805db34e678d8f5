export default async function globalTeardown(): Promise<void> {
  await globalThis.samenloopTestBroker?.stop();
  await globalThis.samenloopSecureTestBroker?.stop();
}
