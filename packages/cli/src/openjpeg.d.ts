// The OpenJPEG WebAssembly decoder ships no typings; Images.ts declares the part it uses.
declare module "@cornerstonejs/codec-openjpeg/decodewasmjs" {
  const factory: (options: object) => Promise<unknown>
  export default factory
}
