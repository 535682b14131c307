// The workspace packages in build order (each after the packages it imports).
export const packages = ["codes", "core", "sim", "verify", "transport-pcsc", "transport-webnfc", "cli"]
