export { GnupgHome, requireGnupg } from './gnupg-home';
export type { GnupgGeneratedKey, GnupgKeyShape, GpgResult } from './gnupg-home';
export {
  envelopeFrame,
  topLevelPackets,
  withEncryptedDataByteFlipped,
} from './writer/openpgp-packets';
export type { EnvelopeFrame, PacketFrame } from './writer/openpgp-packets';
export { decryptSessionKey, openWithOpenpgp } from './writer/openpgp-reader';
export type { OpenedMessage, SignatureFields } from './writer/openpgp-reader';
export { MAX_PAYLOAD_BYTES, payloadBytes, payloadSpec } from './writer/payload.arbitrary';
export type { PayloadSpec } from './writer/payload.arbitrary';
export { loadWriterKeyPool } from './writer/writer-key-pool';
export type { WriterPoolKey, WriterPoolKeyRecord } from './writer/writer-key-pool';
export { listPackets, statusKeywords, statusLine } from './writer/gnupg-reader';
export type { ListedPacket } from './writer/gnupg-reader';
