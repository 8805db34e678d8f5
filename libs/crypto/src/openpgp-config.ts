import { config as openpgpDefaults, enums, type Config } from 'openpgp';

/**
 * The one openpgp.js configuration the hub passes to every call (the library's global `config` is
 * never touched). Partners run GnuPG 2.2, which reads only v4 keys and SEIPDv1 (MDC) packets.
 * A full `Config`, because key methods such as `getSigningKey` take no partial one.
 */
export const HUB_OPENPGP_CONFIG: Readonly<Config> = Object.freeze({
  ...openpgpDefaults,
  // v4 keys: GnuPG 2.2 cannot read RFC 9580 v6 keys.
  v6Keys: false,
  // Keys we generate do not advertise SEIPDv2. Since openpgp 6 this flag does not stop encryption to
  // recipients whose keys advertise SEIPDv2; `signAndEncrypt` forces SEIPDv1 through its session key.
  aeadProtect: false,
  preferredSymmetricAlgorithm: enums.symmetric.aes256,
  preferredHashAlgorithm: enums.hash.sha512,
  // Deliveries are small JSON documents; compression would only add a zlib step for partners.
  preferredCompressionAlgorithm: enums.compression.uncompressed,
});
