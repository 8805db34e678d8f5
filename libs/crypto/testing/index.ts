export { GnupgHome, requireGnupg } from './gnupg-home';
export type { GpgResult } from './gnupg-home';
