/**
 * An optional tone for new critical alerts, generated with WebAudio (no audio file). Off unless the user turns it
 * on; the choice is kept in localStorage. Browsers only let a page play sound after a user gesture, so turning it
 * on also unlocks the audio context.
 */
const KEY = "hallwatch.sound";
let context: AudioContext | null = null;

export function soundEnabled(): boolean {
  return localStorage.getItem(KEY) === "on";
}

export function setSoundEnabled(on: boolean): void {
  localStorage.setItem(KEY, on ? "on" : "off");
  if (on) audio();
}

function audio(): AudioContext | null {
  try {
    context ??= new AudioContext();
    if (context.state === "suspended") void context.resume();
    return context;
  } catch {
    return null;
  }
}

/** Two short high beeps, quiet enough not to startle. */
export function playCriticalTone(): void {
  const ctx = audio();
  if (!ctx) return;
  for (const startSec of [0, 0.25]) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = 880;
    const at = ctx.currentTime + startSec;
    gain.gain.setValueAtTime(0.0001, at);
    gain.gain.exponentialRampToValueAtTime(0.2, at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, at + 0.18);
    osc.connect(gain).connect(ctx.destination);
    osc.start(at);
    osc.stop(at + 0.2);
  }
}
