export * from "./asset-status.js";
export * from "./assets.js";
export * from "./checklist.js";
export * from "./compliance.js";
export * from "./policy.js";
export * from "./record.js";
export * from "./reminders.js";
