export { RosterDutyLookup } from "./duty-lookup.js";
export { type Occurrence, occurrences } from "./occurrences.js";
export {
  currentAndNext,
  type DutySpan,
  type DutyWindow,
  dutySpans,
  onDutyAt,
  type PersonShift,
  shiftsOf,
} from "./on-duty.js";
export * from "./schema.js";
