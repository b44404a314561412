/** Whether an MQTT topic filter (`+` one level, `#` the rest, MQTT 3.1.1 §4.7) matches a topic name. */
export function topicMatches(filter: string, topic: string): boolean {
  const wanted = filter.split("/");
  const levels = topic.split("/");
  for (let i = 0; i < wanted.length; i += 1) {
    const level = wanted[i];
    if (level === "#") return i < levels.length || i === levels.length;
    if (i >= levels.length) return false;
    if (level !== "+" && level !== levels[i]) return false;
  }
  return wanted.length === levels.length;
}
