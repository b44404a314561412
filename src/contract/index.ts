export * from "./decode.js";
export * from "./ids.js";
export * from "./kinds/index.js";
export * from "./messages.js";
export * from "./topics.js";
