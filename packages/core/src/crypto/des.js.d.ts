// Minimal typings for des.js 1.1.0 (indutny/des.js), covering what crypto/Des.ts uses.
declare module "des.js" {
  interface CipherOptions {
    readonly type: "encrypt" | "decrypt"
    readonly key: ArrayLike<number>
    readonly iv?: ArrayLike<number>
    readonly padding?: boolean
  }
  interface Cipher {
    update(data: ArrayLike<number>): Array<number>
    final(): Array<number>
  }
  interface CipherClass {
    create(options: CipherOptions): Cipher
  }
  export const DES: CipherClass
  export const EDE: CipherClass
  export const CBC: { instantiate(base: CipherClass): CipherClass }
}
