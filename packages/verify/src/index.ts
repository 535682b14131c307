/**
 * jpcard verify: signature and trust verification for Japanese ID card chips. Residence cards of both generations,
 * the My Number card's 券面 applications (CVCs, record signatures, card presence) and JPKI (certificate chains to the
 * J-LIS roots, CRLs, signatures). WebCrypto where the platform has it, portable code elsewhere; no Node built-ins.
 *
 * @since 0.1.0
 */
export * as Caches from "./Caches.js"
export * as Crl from "./Crl.js"
export { CrlParseError, VerifyInputError } from "./Errors.js"
export type {
  Backend,
  CryptoProvider,
  CurveName,
  EcPublicKey,
  HashName,
  PublicKey,
  RsaPublicKey
} from "./internal/crypto.js"
export type { VerifyOptions } from "./internal/run.js"
export * as Jpki from "./Jpki.js"
export * as MyNumber from "./MyNumber.js"
export * as Report from "./Report.js"
export * as Residence from "./Residence.js"
export * as Saved from "./Saved.js"
export * as Trust from "./Trust.js"
export * as TrustFs from "./TrustFs.js"
export * as X509 from "./X509.js"
